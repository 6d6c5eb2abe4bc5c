import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import path from 'path';
import { DatabasePromotionStore } from './DatabasePromotionStore';
import { DatabaseVersionBlockStore } from './DatabaseVersionBlockStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const pipeline = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
};

describe.each(databases.eachSupportedId())(
  'DatabaseVersionBlockStore (%s)',
  databaseId => {
    it('blocks a version once, lists it, and keeps lifted blocks as history only', async () => {
      const knex = await databases.init(databaseId);
      const store = new DatabaseVersionBlockStore(
        (
          await DatabasePromotionStore.create({
            database: mockServices.database({
              knex,
              migrations: { skip: false },
            }),
          })
        ).client,
      );
      const first = await store.place(pipeline, {
        version: '6.4.0',
        blockedBy: 'user:default/alice',
        reason: 'crash loop',
      });
      expect(first).toMatchObject({
        created: true,
        block: {
          version: '6.4.0',
          blockedBy: 'user:default/alice',
          reason: 'crash loop',
        },
      });
      // Blocking again keeps the first block (and says so).
      const again = await store.place(pipeline, {
        version: '6.4.0',
        blockedBy: 'user:default/bob',
        reason: 'other',
      });
      expect(again).toEqual({ created: false, block: first.block });
      await store.place(
        { ...pipeline, name: 'other' },
        {
          version: '6.4.0',
          blockedBy: 'user:default/bob',
          reason: 'elsewhere',
        },
      );
      expect(await store.list(pipeline)).toEqual([first.block]);

      expect(
        await store.release(pipeline, '6.4.0', 'user:default/bob'),
      ).toEqual(first.block);
      expect(await store.get(pipeline, '6.4.0')).toBeUndefined();
      expect(
        await store.release(pipeline, '6.4.0', 'user:default/bob'),
      ).toBeUndefined();
      expect(
        await knex('version_blocks')
          .where({ name: 'podinfo-02' })
          .select('unblocked_by', 'active_key'),
      ).toEqual([{ unblocked_by: 'user:default/bob', active_key: null }]);
      // It can be blocked anew.
      expect(
        (
          await store.place(pipeline, {
            version: '6.4.0',
            blockedBy: 'user:default/alice',
            reason: 'again',
          })
        ).created,
      ).toBe(true);
    });

    it('migrates up and down', async () => {
      const knex = await databases.init(databaseId);
      const directory = path.resolve(__dirname, '../../migrations');
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasTable('version_blocks')).toBe(true);
      await knex.migrate.down({ directory, name: '20261202_versionBlocks.js' });
      expect(await knex.schema.hasTable('version_blocks')).toBe(false);
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasTable('version_blocks')).toBe(true);
    });
  },
);
