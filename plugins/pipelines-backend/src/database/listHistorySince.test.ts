import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabasePromotionStore } from './DatabasePromotionStore';
import { NewPromotion } from './PromotionStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const pipeline = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
};
const other = { ...pipeline, name: 'other' };
const promotion = (
  version: string,
  toEnvironment: string,
  key = pipeline,
): NewPromotion => ({
  pipeline: key,
  fromEnvironment: toEnvironment === 'test' ? 'dev' : 'test',
  toEnvironment,
  version,
  trigger: 'webhook',
  requestedBy: 'webhook:flux-system/podinfo-02',
  state: 'queued',
  strategy: 'pull-request',
});
const requested = { type: 'requested' as const, message: 'requested' };

describe.each(databases.eachSupportedId())(
  'DatabasePromotionStore.listHistorySince (%s)',
  databaseId => {
    it('gives the rows changed since a time and every row of their versions, oldest first, of that pipeline only', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabasePromotionStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      const old = new Date(Date.now() - 40 * 86_400_000);
      const ids: Record<string, string> = {};
      for (const [minute, name, version, env] of [
        [0, 'old-test', '1.0.0', 'test'],
        [1, 'old-prod', '1.0.0', 'prod'],
        [2, 'older-version', '0.9.0', 'test'],
      ] as const) {
        ids[name] = (
          await store.create(promotion(version, env), requested)
        ).record.id;
        const at = new Date(old.getTime() + minute * 60_000);
        await knex('promotions')
          .where({ id: ids[name] })
          .update({ created_at: at, updated_at: at });
      }
      // 1.0.0 reached prod within the window: its earlier test promotion comes along.
      await knex('promotions')
        .where({ id: ids['old-prod'] })
        .update({ updated_at: new Date() });
      ids.recent = (
        await store.create(promotion('1.1.0', 'test'), requested)
      ).record.id;
      await store.create(promotion('1.0.0', 'test', other), requested);

      const rows = await store.listHistorySince(
        pipeline,
        new Date(Date.now() - 30 * 86_400_000),
      );
      expect(rows.map(r => r.id)).toEqual([
        ids['old-test'],
        ids['old-prod'],
        ids.recent,
      ]);
    });
  },
);
