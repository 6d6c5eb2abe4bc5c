import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabasePromotionStore } from './DatabasePromotionStore';
import { NewPromotion } from './PromotionStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const pipeline = { cluster: 'management', namespace: 'flux-system', name: 'podinfo-02' };
const promotion = (version: string, toEnvironment = 'test'): NewPromotion => ({
  pipeline,
  fromEnvironment: 'dev',
  toEnvironment,
  version,
  trigger: 'webhook',
  requestedBy: 'webhook:flux-system/podinfo-02',
  state: 'running',
  strategy: 'pull-request',
});

describe('DatabasePromotionStore engines', () => {
  it('runs on PostgreSQL 15 when the test command provides one', () => {
    // `npm test` starts a throwaway PostgreSQL 15 and sets this, so the Postgres
    // cases below cannot be skipped silently there.
    const expected = process.env.PIPELINES_REQUIRE_POSTGRES
      ? [['SQLITE_3'], ['POSTGRES_15']]
      : [['SQLITE_3']];
    expect(databases.eachSupportedId()).toEqual(expect.arrayContaining(expected));
  });
});

describe.each(databases.eachSupportedId())('DatabasePromotionStore (%s)', databaseId => {
  async function createStore() {
    const knex = await databases.init(databaseId);
    const store = await DatabasePromotionStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    return { knex, store };
  }

  it('records a promotion and reads it back', async () => {
    const { store } = await createStore();
    const { record, created } = await store.create(promotion('6.0.1'));
    expect(created).toBe(true);
    expect(record).toMatchObject({
      pipeline,
      fromEnvironment: 'dev',
      toEnvironment: 'test',
      version: '6.0.1',
      trigger: 'webhook',
      state: 'running',
      strategy: 'pull-request',
      approvals: [],
      attempts: 0,
    });
    expect(record.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(record.createdAt)).not.toBeNaN();
    expect(await store.get(record.id)).toEqual(record);
    expect(await store.get('00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });

  it('treats the same pipeline, environment and version as a no-op', async () => {
    const { store, knex } = await createStore();
    const first = await store.create(promotion('6.0.1'));
    const again = await store.create({ ...promotion('6.0.1'), trigger: 'user', requestedBy: 'user:default/guest' });
    expect(again.created).toBe(false);
    expect(again.record).toEqual(first.record);
    const other = await store.create(promotion('6.0.1', 'prod'));
    expect(other.created).toBe(true);
    const [{ count }] = await knex('promotions').count({ count: '*' });
    expect(Number(count)).toBe(2);
  });

  it('lists newest first with pagination and a total', async () => {
    const { store } = await createStore();
    for (const v of ['1.0.0', '1.0.1', '1.0.2', '1.0.3', '1.0.4']) {
      await store.create(promotion(v));
      await new Promise(r => setTimeout(r, 5));
    }
    await store.create({ ...promotion('9.9.9'), pipeline: { ...pipeline, name: 'other' } });
    const page1 = await store.list(pipeline, { offset: 0, limit: 2 });
    expect(page1.totalCount).toBe(5);
    expect(page1.items.map(i => i.version)).toEqual(['1.0.4', '1.0.3']);
    const page3 = await store.list(pipeline, { offset: 4, limit: 2 });
    expect(page3.items.map(i => i.version)).toEqual(['1.0.0']);
  });

  it('moves rows through states atomically and records approvals', async () => {
    const { store } = await createStore();
    const { record } = await store.create({ ...promotion('2.0.0'), state: 'waiting-approval' });
    const approval = { by: 'user:default/bob', at: new Date().toISOString(), decision: 'approved' as const, reason: 'ok' };
    const approved = await store.transition(record.id, ['waiting-approval'], 'running', { approval });
    expect(approved).toMatchObject({ state: 'running', approvals: [approval] });
    // A second decision finds the row no longer waiting.
    expect(await store.transition(record.id, ['waiting-approval'], 'rejected')).toBeUndefined();
    const done = await store.transition(record.id, ['running'], 'succeeded', { pullRequestUrl: 'https://forge/pr/1', error: null });
    expect(done).toMatchObject({ state: 'succeeded', pullRequestUrl: 'https://forge/pr/1' });
    expect(await store.get(record.id)).toMatchObject({ state: 'succeeded', approvals: [approval], pullRequestUrl: 'https://forge/pr/1' });
  });

  it('supersedes older waiting versions of the same environment', async () => {
    const { store } = await createStore();
    const old = await store.create({ ...promotion('1.0.0'), state: 'waiting-approval' });
    const otherEnv = await store.create({ ...promotion('1.0.0', 'prod'), state: 'waiting-approval' });
    const newer = await store.create({ ...promotion('1.1.0'), state: 'waiting-approval' });
    expect(await store.supersedeWaiting(pipeline, 'test', newer.record.id)).toBe(1);
    expect((await store.get(old.record.id))?.state).toBe('superseded');
    expect((await store.get(otherEnv.record.id))?.state).toBe('waiting-approval');
    expect((await store.get(newer.record.id))?.state).toBe('waiting-approval');
  });

  it('supersedes the older promotion whose pull request a newer one updated', async () => {
    const { store } = await createStore();
    const older = await store.create(promotion('4.0.0'));
    await store.transition(older.record.id, ['running'], 'succeeded', { pullRequestUrl: 'https://forge/pr/9' });
    const other = await store.create(promotion('4.0.0', 'prod'));
    await store.transition(other.record.id, ['running'], 'succeeded', { pullRequestUrl: 'https://forge/pr/9' });
    const newer = await store.create(promotion('4.1.0'));
    await store.transition(newer.record.id, ['running'], 'succeeded', { pullRequestUrl: 'https://forge/pr/9' });
    expect(await store.supersedePullRequest(pipeline, 'test', 'https://forge/pr/9', newer.record.id)).toBe(1);
    expect((await store.get(older.record.id))?.state).toBe('superseded');
    expect((await store.get(other.record.id))?.state).toBe('succeeded');
    expect((await store.get(newer.record.id))?.state).toBe('succeeded');
  });

  it('lets one owner at a time claim a running row, and takes back expired claims', async () => {
    const { store } = await createStore();
    const { record } = await store.create(promotion('3.0.0'));
    const results = await Promise.all(['a', 'b', 'c', 'd'].map(owner => store.claim(record.id, owner, 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.listRunnable(10)).toEqual([]);
    const owner = ['a', 'b', 'c', 'd'][results.indexOf(true)];
    await store.release(record.id, owner, new Date(Date.now() - 1), 'HTTP 503 from the forge');
    expect((await store.listRunnable(10)).map(r => r.id)).toEqual([record.id]);
    expect(await store.claim(record.id, 'e', 1)).toBe(true);
    await new Promise(r => setTimeout(r, 20));
    // the lease of 1 ms expired: a crashed owner's row can be claimed again
    expect(await store.claim(record.id, 'f', 60_000)).toBe(true);
    const row = await store.get(record.id);
    expect(row).toMatchObject({ attempts: 3, error: 'HTTP 503 from the forge' });
  });

  it('migrates down and up again', async () => {
    const { knex } = await createStore();
    await knex.migrate.rollback({ directory: `${__dirname}/../../migrations` }, true);
    expect(await knex.schema.hasTable('promotions')).toBe(false);
    await knex.migrate.latest({ directory: `${__dirname}/../../migrations` });
    expect(await knex.schema.hasTable('promotions')).toBe(true);
  });
});
