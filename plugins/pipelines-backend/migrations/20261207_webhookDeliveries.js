// @ts-check

/**
 * Accepted webhook deliveries: the sha256 of the route, path and raw body of each signed
 * event that reached the engine, so the same bytes replayed (to any replica, after a restart)
 * produce nothing new. Rows older than the retention are pruned by the store.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('webhook_deliveries', table => {
    table.comment('Digests of accepted webhook deliveries (replay protection)');
    table.string('digest', 64).primary().notNullable();
    table.string('namespace').notNullable();
    table.string('name').notNullable();
    table
      .timestamp('received_at', { useTz: true, precision: 3 })
      .notNullable()
      .index('webhook_deliveries_received_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('webhook_deliveries');
};
