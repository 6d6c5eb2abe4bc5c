import { TestDatabases } from '@backstage/backend-test-utils';
import path from 'path';
import {
  DatabaseWebhookDeliveryStore,
  deliveryDigest,
  DELIVERY_RETENTION_MS,
} from './DatabaseWebhookDeliveryStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const directory = path.resolve(__dirname, '../../migrations');
const pipeline = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
};
const DAY = 24 * 60 * 60 * 1000;

describe('deliveryDigest', () => {
  it('is one value per route, path and body, whatever the order of the path fields', () => {
    const body = Buffer.from('{"a":1}');
    const path1 = { namespace: 'ns', name: 'p', environment: 'dev' };
    const d = deliveryDigest('promotion', path1, body);
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(
      deliveryDigest(
        'promotion',
        { environment: 'dev', name: 'p', namespace: 'ns' },
        body,
      ),
    ).toBe(d);
    expect(
      deliveryDigest('promotion', { ...path1, environment: 'test' }, body),
    ).not.toBe(d);
    expect(deliveryDigest('approval', path1, body)).not.toBe(d);
    expect(
      deliveryDigest('promotion', path1, Buffer.from('{"a":1} ')),
    ).not.toBe(d);
  });
});

describe.each(databases.eachSupportedId())(
  'DatabaseWebhookDeliveryStore (%s)',
  databaseId => {
    async function store(now: { t: number }) {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      return {
        knex,
        sut: new DatabaseWebhookDeliveryStore(knex, {
          now: () => new Date(now.t),
        }),
      };
    }

    it('sees a recorded digest from every store instance (replica) on one database', async () => {
      const now = { t: Date.UTC(2026, 11, 7) };
      const { knex, sut } = await store(now);
      const other = new DatabaseWebhookDeliveryStore(knex);
      const d = 'b'.repeat(64);
      expect(await sut.seen(d)).toBe(false);
      await sut.record(d, pipeline);
      expect(await sut.seen(d)).toBe(true);
      expect(await other.seen(d)).toBe(true);
      expect(await other.seen('c'.repeat(64))).toBe(false);
      // copies racing: recorded once, no error
      await Promise.all(
        Array.from({ length: 10 }, () =>
          other.record('c'.repeat(64), pipeline),
        ),
      );
      expect(
        await knex('webhook_deliveries').where({ digest: 'c'.repeat(64) }),
      ).toHaveLength(1);
    });

    it('keeps digests for the retention: a replay after it is a new delivery, and old rows are pruned', async () => {
      const now = { t: Date.UTC(2026, 10, 1) };
      const { knex, sut } = await store(now);
      const old = 'e'.repeat(64);
      const kept = 'f'.repeat(64);
      await sut.record(old, pipeline);
      now.t += 29 * DAY;
      expect(await sut.seen(old)).toBe(true);
      await sut.record(kept, pipeline);
      now.t += DAY + 60_000; // old is past 30 days, kept is not
      expect(DELIVERY_RETENTION_MS).toBe(30 * DAY);
      expect(await sut.seen(old)).toBe(false);
      expect(await sut.seen(kept)).toBe(true);
      // recording prunes (at most hourly): old goes, kept stays
      await sut.record('0'.repeat(64), pipeline);
      const digests = (await knex('webhook_deliveries').select('digest')).map(
        r => r.digest,
      );
      expect(digests.sort()).toEqual(['0'.repeat(64), kept]);
      expect(await sut.prune(new Date(now.t + DAY))).toBe(2);
    });

    it('renews an expired row that no prune has deleted yet', async () => {
      const now = { t: Date.UTC(2026, 11, 1) };
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      const sut = new DatabaseWebhookDeliveryStore(knex, {
        retentionMs: 60_000,
        now: () => new Date(now.t),
      });
      const d = '1'.repeat(64);
      await sut.record(d, pipeline); // prunes now, and not again within the hour
      now.t += 2 * 60_000;
      expect(await sut.seen(d)).toBe(false);
      await sut.record(d, pipeline);
      expect(await sut.seen(d)).toBe(true);
    });
  },
);
