// @ts-check

/**
 * Blocked versions ("prevent progression"): one row per block; `active_key` (sha256 of the
 * pipeline and version) is unique while the block holds and NULL once it is lifted, so the
 * history of blocks stays.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('version_blocks', table => {
    table.comment('Versions of a pipeline that must not be promoted further');
    table.string('id', 36).primary().notNullable();
    table.string('cluster').notNullable();
    table.string('namespace').notNullable();
    table.string('name').notNullable();
    table.string('version', 255).notNullable();
    table.string('blocked_by').notNullable();
    table.text('reason').notNullable();
    table.timestamp('created_at', { useTz: true, precision: 3 }).notNullable();
    table.string('unblocked_by').nullable();
    table.timestamp('unblocked_at', { useTz: true, precision: 3 }).nullable();
    table
      .string('active_key', 64)
      .nullable()
      .unique({ indexName: 'version_blocks_active_idx' });
    table.index(
      ['cluster', 'namespace', 'name'],
      'version_blocks_pipeline_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('version_blocks');
};
