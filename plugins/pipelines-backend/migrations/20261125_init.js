/*
 * The promotion ledger: one row per promotion of a version into an environment.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('promotions', table => {
    table.comment('The permanent promotion ledger of GitOps Pipelines');
    table.string('id', 36).primary().notNullable().comment('UUID');
    table
      .string('cluster', 255)
      .notNullable()
      .comment('Management cluster holding the Pipeline');
    table.string('namespace', 63).notNullable().comment('Pipeline namespace');
    table.string('name', 253).notNullable().comment('Pipeline name');
    table.string('from_environment', 63).nullable();
    table.string('to_environment', 63).notNullable();
    table.string('version', 255).notNullable();
    table
      .string('trigger', 32)
      .notNullable()
      .comment('webhook | level | user | scaffolder');
    table
      .string('requested_by', 255)
      .notNullable()
      .comment('Entity ref of the requester, or the webhook');
    table.string('state', 32).notNullable();
    table
      .string('strategy', 32)
      .notNullable()
      .comment('pull-request | notification');
    table
      .text('approvals')
      .notNullable()
      .defaultTo('[]')
      .comment('JSON list of decisions');
    table.text('pull_request_url').nullable();
    table.text('error').nullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table
      .string('claimed_by', 255)
      .nullable()
      .comment('Replica executing the row');
    table.timestamp('claim_expires_at', { useTz: true }).nullable();
    table.timestamp('created_at', { useTz: true, precision: 3 }).notNullable();
    table.timestamp('updated_at', { useTz: true, precision: 3 }).notNullable();
    table.unique(
      ['cluster', 'namespace', 'name', 'to_environment', 'version'],
      {
        indexName: 'promotions_pipeline_env_version_uniq',
      },
    );
    table.index(
      ['cluster', 'namespace', 'name', 'created_at'],
      'promotions_pipeline_created_idx',
    );
    table.index(['state'], 'promotions_state_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('promotions');
};
