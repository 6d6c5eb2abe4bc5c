import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseHoldStore } from './DatabaseHoldStore';
import { DatabasePromotionStore } from './DatabasePromotionStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const pipeline = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
};

describe.each(databases.eachSupportedId())(
  'DatabaseHoldStore (%s)',
  databaseId => {
    it('holds an environment once, lists it, and keeps released holds out of the list', async () => {
      const knex = await databases.init(databaseId);
      await DatabasePromotionStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      const holds = new DatabaseHoldStore(knex);
      const first = await holds.place(pipeline, {
        environment: 'prod',
        heldBy: 'user:default/alice',
        reason: 'rollback to 6.0.0',
      });
      const second = await holds.place(pipeline, {
        environment: 'prod',
        heldBy: 'user:default/bob',
        reason: 'again',
      });
      expect(second).toEqual(first);
      expect(await holds.list(pipeline)).toEqual([first]);
      expect(
        await holds.get({ ...pipeline, name: 'other' }, 'prod'),
      ).toBeUndefined();
      expect(await holds.release(pipeline, 'prod', 'user:default/bob')).toEqual(
        first,
      );
      expect(
        await holds.release(pipeline, 'prod', 'user:default/bob'),
      ).toBeUndefined();
      expect(await holds.list(pipeline)).toEqual([]);
      // A new hold after the release.
      expect(
        (
          await holds.place(pipeline, {
            environment: 'prod',
            heldBy: 'user:default/carol',
            reason: 'r',
          })
        ).heldBy,
      ).toBe('user:default/carol');
    });
  },
);
