// @ts-check

/**
 * Events appended at most once per promotion: `promotion_events.once_key` (sha256 of the
 * event's type and message, null for ordinary events) is unique per promotion, so when two
 * replicas settle the same rollout at the same moment each target's `target-ready` line is
 * written once (an insert that conflicts is ignored). Nulls never conflict, so the other events
 * are unaffected.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('promotion_events', table => {
    table
      .string('once_key', 64)
      .nullable()
      .comment('sha256 of type and message for events written at most once');
    table.unique(['promotion_id', 'once_key'], {
      indexName: 'promotion_events_once_idx',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('promotion_events', table => {
    table.dropUnique(['promotion_id', 'once_key'], 'promotion_events_once_idx');
    table.dropColumn('once_key');
  });
};
