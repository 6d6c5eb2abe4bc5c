/*
 * Promotions that finish: the ledger records outcomes, not PR openings.
 * - states waiting-approval → queued → running → awaiting-merge → rolling-out → deployed
 *   (or failed, rejected, cancelled, superseded);
 * - a promotion is unique among ACTIVE rows only (`active_key`), and at most one row per
 *   environment is in flight (`slot_key`): both are sha256 keys, NULL once the row ends;
 * - an append-only event log per promotion (`promotion_events`) and environment holds
 *   (`promotion_holds`);
 * - a quorum: `required_approvals` distinct approvers (1 for existing rows).
 * Existing rows: `succeeded` with a PR → `awaiting-merge` (the follower settles it),
 * without → `rolling-out` (settled from the targets) — for the newest one per environment;
 * older `succeeded` rows of the same environment → `superseded`. `running` → `queued`.
 */
const { createHash } = require('crypto');

const ACTIVE = [
  'waiting-approval',
  'queued',
  'running',
  'awaiting-merge',
  'rolling-out',
];
const key = (...parts) =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex');
const prNumber = url => {
  const m = /(\d+)\/?$/.exec(url || '');
  return m ? Number(m[1]) : null;
};

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('promotions', table => {
    table.dropUnique([], 'promotions_pipeline_env_version_uniq');
  });
  await knex.schema.alterTable('promotions', table => {
    table
      .integer('pull_request_number')
      .nullable()
      .comment('Forge number of the PR (GitLab: iid)');
    table
      .string('pull_request_etag', 255)
      .nullable()
      .comment('ETag of the last PR read, for conditional polling');
    table
      .timestamp('next_check_at', { useTz: true })
      .nullable()
      .comment('When to poll the PR next');
    table.string('merged_by', 255).nullable();
    table.timestamp('merged_at', { useTz: true }).nullable();
    table.timestamp('deployed_at', { useTz: true, precision: 3 }).nullable();
    table.timestamp('ended_at', { useTz: true, precision: 3 }).nullable();
    table
      .string('retry_of', 36)
      .nullable()
      .comment('The failed promotion this one retries');
    table
      .string('head_sha', 64)
      .nullable()
      .comment('Commit last pushed to the promotion branch');
    table
      .integer('required_approvals')
      .notNullable()
      .defaultTo(1)
      .comment('Distinct approvers a manual promotion needs');
    table
      .string('active_key', 64)
      .nullable()
      .unique({ indexName: 'promotions_active_key_uniq' });
    table
      .string('slot_key', 64)
      .nullable()
      .unique({ indexName: 'promotions_slot_key_uniq' });
    table.index(
      ['cluster', 'namespace', 'name', 'to_environment', 'version'],
      'promotions_pipeline_env_version_idx',
    );
  });
  await knex.schema.createTable('promotion_events', table => {
    table.comment('Append-only event log of each promotion');
    table.bigIncrements('id').primary();
    table
      .string('promotion_id', 36)
      .notNullable()
      .references('id')
      .inTable('promotions')
      .onDelete('CASCADE');
    table.string('type', 40).notNullable();
    table.timestamp('at', { useTz: true, precision: 3 }).notNullable();
    table.string('actor', 255).nullable();
    table.text('message').notNullable();
    table.index(['promotion_id', 'id'], 'promotion_events_promotion_idx');
  });
  await knex.schema.createTable('promotion_holds', table => {
    table.comment(
      'Holds on environments: no automatic promotion into them until released',
    );
    table.string('id', 36).primary();
    table.string('cluster', 255).notNullable();
    table.string('namespace', 63).notNullable();
    table.string('name', 253).notNullable();
    table.string('environment', 63).notNullable();
    table.string('held_by', 255).notNullable();
    table.text('reason').notNullable();
    table.string('promotion_id', 36).nullable();
    table.timestamp('created_at', { useTz: true, precision: 3 }).notNullable();
    table.string('released_by', 255).nullable();
    table.timestamp('released_at', { useTz: true, precision: 3 }).nullable();
    table
      .string('active_key', 64)
      .nullable()
      .unique({ indexName: 'promotion_holds_active_key_uniq' });
    table.index(
      ['cluster', 'namespace', 'name'],
      'promotion_holds_pipeline_idx',
    );
  });

  const rows = await knex('promotions').orderBy([
    { column: 'created_at', order: 'desc' },
    { column: 'id', order: 'desc' },
  ]);
  const seen = new Set();
  const now = new Date();
  for (const row of rows) {
    const env = key(row.cluster, row.namespace, row.name, row.to_environment);
    let state = row.state;
    let note;
    if (state === 'succeeded' && !seen.has(env)) {
      state = row.pull_request_url ? 'awaiting-merge' : 'rolling-out';
      note = `Migrated from "succeeded": ${
        row.pull_request_url
          ? 'following the pull request until it is merged or closed'
          : 'waiting for every target to run the version'
      }`;
    } else if (state === 'succeeded') {
      state = 'superseded';
      note =
        'Migrated from "succeeded": a newer promotion took the environment';
    } else if (state === 'running') {
      state = 'queued';
      note = 'Migrated from "running": queued again';
    }
    const inFlight = ['running', 'awaiting-merge', 'rolling-out'].includes(
      state,
    );
    if (inFlight) seen.add(env);
    await knex('promotions')
      .where({ id: row.id })
      .update({
        state,
        pull_request_number: prNumber(row.pull_request_url),
        active_key: ACTIVE.includes(state)
          ? key(
              row.cluster,
              row.namespace,
              row.name,
              row.to_environment,
              row.version,
            )
          : null,
        slot_key: inFlight ? env : null,
        ended_at: ACTIVE.includes(state) ? null : row.updated_at,
        claimed_by: null,
        claim_expires_at: null,
      });
    if (note) {
      await knex('promotion_events').insert({
        promotion_id: row.id,
        type: 'migrated',
        at: now,
        actor: 'pipelines:migration',
        message: note,
      });
    }
  }
};

/**
 * Back to one row per (pipeline, environment, version), states of the first schema. Rows
 * that would break that uniqueness (the same version requested again after a row ended)
 * are deleted, keeping the newest; the event log and holds are dropped.
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('promotion_holds');
  await knex.schema.dropTable('promotion_events');
  const rows = await knex('promotions').orderBy([
    { column: 'created_at', order: 'desc' },
    { column: 'id', order: 'desc' },
  ]);
  const seen = new Set();
  const older = {
    queued: 'running',
    'awaiting-merge': 'succeeded',
    'rolling-out': 'succeeded',
    deployed: 'succeeded',
    cancelled: 'rejected',
  };
  for (const row of rows) {
    const k = key(
      row.cluster,
      row.namespace,
      row.name,
      row.to_environment,
      row.version,
    );
    if (seen.has(k)) {
      await knex('promotions').where({ id: row.id }).delete();
      continue;
    }
    seen.add(k);
    if (older[row.state])
      await knex('promotions')
        .where({ id: row.id })
        .update({ state: older[row.state] });
  }
  await knex.schema.alterTable('promotions', table => {
    table.dropUnique([], 'promotions_active_key_uniq');
    table.dropUnique([], 'promotions_slot_key_uniq');
    table.dropIndex([], 'promotions_pipeline_env_version_idx');
  });
  await knex.schema.alterTable('promotions', table => {
    table.dropColumns(
      'pull_request_number',
      'pull_request_etag',
      'next_check_at',
      'merged_by',
      'merged_at',
      'deployed_at',
      'ended_at',
      'retry_of',
      'head_sha',
      'required_approvals',
      'active_key',
      'slot_key',
    );
    table.unique(
      ['cluster', 'namespace', 'name', 'to_environment', 'version'],
      {
        indexName: 'promotions_pipeline_env_version_uniq',
      },
    );
  });
};
