import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import path from 'path';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const directory = path.resolve(__dirname, '../../migrations');

/** Migrates to just before `name` (so that `name` is the next one up). */
async function migrateUntil(knex: Knex, name: string) {
  const [, pending] = (await knex.migrate.list({ directory })) as [
    unknown,
    Array<{ file: string }>,
  ];
  for (const { file } of pending) {
    if (file === name) return;
    await knex.migrate.up({ directory, name: file });
  }
}

const row = (
  id: string,
  version: string,
  env: string,
  state: string,
  minutes: number,
  pr?: string,
) => ({
  id,
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
  from_environment: 'dev',
  to_environment: env,
  version,
  trigger: 'webhook',
  requested_by: 'webhook:flux-system/podinfo-02',
  state,
  strategy: 'pull-request',
  approvals: '[]',
  pull_request_url: pr ?? null,
  error: null,
  attempts: 1,
  created_at: new Date(Date.UTC(2026, 10, 25, 10, minutes)),
  updated_at: new Date(Date.UTC(2026, 10, 25, 10, minutes)),
});

const id = (n: number) => `00000000-0000-0000-0000-00000000000${n}`;

describe.each(databases.eachSupportedId())(
  'migration 20261130_promotionLifecycle (%s)',
  databaseId => {
    it('turns PR openings into promotions that the followers settle, and back', async () => {
      const knex = await databases.init(databaseId);
      await migrateUntil(knex, '20261130_promotionLifecycle.js');
      await knex('promotions').insert([
        row(
          id(1),
          '6.0.1',
          'test',
          'succeeded',
          1,
          'https://forge/my-org/repo/pull/1',
        ),
        row(
          id(2),
          '6.1.0',
          'test',
          'succeeded',
          2,
          'https://forge/my-org/repo/pull/1',
        ),
        row(id(3), '6.0.1', 'prod', 'succeeded', 3),
        row(id(4), '6.2.0', 'prod', 'running', 4),
        row(id(5), '6.1.0', 'prod', 'waiting-approval', 5),
        row(id(6), '6.0.0', 'test', 'failed', 0),
      ]);
      await knex.migrate.up({
        directory,
        name: '20261130_promotionLifecycle.js',
      });
      const states = Object.fromEntries(
        (
          await knex('promotions').select('id', 'state', 'pull_request_number')
        ).map(r => [r.id, [r.state, r.pull_request_number]]),
      );
      expect(states).toEqual({
        [id(1)]: ['superseded', 1],
        [id(2)]: ['awaiting-merge', 1],
        [id(3)]: ['rolling-out', null],
        [id(4)]: ['queued', null],
        [id(5)]: ['waiting-approval', null],
        [id(6)]: ['failed', null],
      });
      const events = await knex('promotion_events').where({
        promotion_id: id(2),
      });
      expect(events).toMatchObject([
        {
          type: 'migrated',
          message: expect.stringMatching(/following the pull request/),
        },
      ]);
      // The new uniqueness: one in-flight row per environment, one active row per version.
      const { slot_key: slot } = await knex('promotions')
        .where({ id: id(2) })
        .first();
      expect(slot).toMatch(/^[0-9a-f]{64}$/);
      const dup = await knex('promotions')
        .where({ id: id(6) })
        .update({ slot_key: slot })
        .then(
          () => 'updated',
          (e: Error) => e.message,
        );
      expect(dup).toMatch(/unique|duplicate/i);
      // The same version may be recorded again once its row ended.
      await knex('promotions').insert({
        ...row(
          '00000000-0000-0000-0000-000000000007',
          '6.0.0',
          'test',
          'queued',
          9,
        ),
        active_key: 'k7',
      });

      await knex.migrate.down({
        directory,
        name: '20261130_promotionLifecycle.js',
      });
      const back = Object.fromEntries(
        (await knex('promotions').select('id', 'state')).map(r => [
          r.id,
          r.state,
        ]),
      );
      // Row 6 (failed 6.0.0) and row 7 (6.0.0 again) collide in the old schema: the newest stays.
      expect(back).toEqual({
        [id(1)]: 'superseded',
        [id(2)]: 'succeeded',
        [id(3)]: 'succeeded',
        [id(4)]: 'running',
        [id(5)]: 'waiting-approval',
        '00000000-0000-0000-0000-000000000007': 'running',
      });
      expect(await knex.schema.hasTable('promotion_events')).toBe(false);
      expect(await knex.schema.hasColumn('promotions', 'slot_key')).toBe(false);
      const old = await knex('promotions')
        .insert(
          row(
            '00000000-0000-0000-0000-000000000008',
            '6.1.0',
            'test',
            'failed',
            10,
          ),
        )
        .then(
          () => 'inserted',
          (e: Error) => e.message,
        );
      expect(old).toMatch(/unique|duplicate/i);
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasTable('promotion_holds')).toBe(true);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'migration 20261201_promotionEventOnce (%s)',
  databaseId => {
    it('keeps existing events, makes once keys unique per promotion, and goes back down', async () => {
      const knex = await databases.init(databaseId);
      await migrateUntil(knex, '20261201_promotionEventOnce.js');
      await knex('promotions').insert({
        ...row(id(1), '6.0.1', 'test', 'rolling-out', 1),
        active_key: 'a1',
        slot_key: 's1',
      });
      const event = {
        promotion_id: id(1),
        type: 'target-ready',
        at: new Date(),
        actor: 'pipelines:engine',
        message: 'Ready',
      };
      await knex('promotion_events').insert([event, event]);
      await knex.migrate.up({
        directory,
        name: '20261201_promotionEventOnce.js',
      });
      expect(
        await knex('promotion_events').where({ promotion_id: id(1) }),
      ).toHaveLength(2);
      await knex('promotion_events').insert({ ...event, once_key: 'k' });
      const again = await knex('promotion_events')
        .insert({ ...event, once_key: 'k' })
        .then(
          () => 'inserted',
          (e: Error) => e.message,
        );
      expect(again).toMatch(/unique|duplicate/i);
      await knex.migrate.down({
        directory,
        name: '20261201_promotionEventOnce.js',
      });
      const columns = Object.keys(await knex('promotion_events').columnInfo());
      expect(columns).not.toContain('once_key');
      expect(
        await knex('promotion_events').where({ promotion_id: id(1) }),
      ).toHaveLength(3);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'migration 20261207_webhookDeliveries (%s)',
  databaseId => {
    it('creates the deliveries table with the digest unique, and drops it going down', async () => {
      const knex = await databases.init(databaseId);
      await migrateUntil(knex, '20261207_webhookDeliveries.js');
      await knex.migrate.up({
        directory,
        name: '20261207_webhookDeliveries.js',
      });
      const delivery = {
        digest: 'a'.repeat(64),
        namespace: 'flux-system',
        name: 'podinfo-02',
        received_at: new Date(),
      };
      await knex('webhook_deliveries').insert(delivery);
      const again = await knex('webhook_deliveries')
        .insert(delivery)
        .then(
          () => 'inserted',
          (e: Error) => e.message,
        );
      expect(again).toMatch(/unique|duplicate/i);
      expect(await knex('webhook_deliveries').count({ n: '*' })).toEqual([
        { n: expect.anything() },
      ]);
      await knex.migrate.down({
        directory,
        name: '20261207_webhookDeliveries.js',
      });
      expect(await knex.schema.hasTable('webhook_deliveries')).toBe(false);
      // the tables before it are untouched
      expect(await knex.schema.hasTable('version_blocks')).toBe(true);
    });
  },
);
