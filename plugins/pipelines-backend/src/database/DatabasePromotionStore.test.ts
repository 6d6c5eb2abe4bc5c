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
const promotion = (version: string, toEnvironment = 'test'): NewPromotion => ({
  pipeline,
  fromEnvironment: 'dev',
  toEnvironment,
  version,
  trigger: 'webhook',
  requestedBy: 'webhook:flux-system/podinfo-02',
  state: 'queued',
  strategy: 'pull-request',
});
const requested = {
  type: 'requested' as const,
  message: 'requested',
  actor: 'webhook:flux-system/podinfo-02',
};
const create = (store: DatabasePromotionStore, p: NewPromotion) =>
  store.create(p, requested);
/** Queued → running (takes the environment). */
const start = async (store: DatabasePromotionStore, id: string) => {
  const r = await store.takeEnvironment(id, () => true);
  if (!r?.taken) throw new Error('not taken');
  return r.record;
};

describe('DatabasePromotionStore engines', () => {
  it('runs on PostgreSQL 15 when the test command provides one', () => {
    // `npm test` starts a throwaway PostgreSQL 15 and sets this, so the Postgres
    // cases below cannot be skipped silently there.
    const expected = process.env.PIPELINES_REQUIRE_POSTGRES
      ? [['SQLITE_3'], ['POSTGRES_15']]
      : [['SQLITE_3']];
    expect(databases.eachSupportedId()).toEqual(
      expect.arrayContaining(expected),
    );
  });
});

describe.each(databases.eachSupportedId())(
  'DatabasePromotionStore (%s)',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const store = await DatabasePromotionStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      return { knex, store };
    }

    it('records a promotion and reads it back', async () => {
      const { store } = await createStore();
      const { record, created } = await create(store, promotion('6.0.1'));
      expect(created).toBe(true);
      expect(record).toMatchObject({
        pipeline,
        fromEnvironment: 'dev',
        toEnvironment: 'test',
        version: '6.0.1',
        trigger: 'webhook',
        state: 'queued',
        strategy: 'pull-request',
        approvals: [],
        attempts: 0,
      });
      expect(await store.events(record.id)).toMatchObject([
        {
          type: 'requested',
          message: 'requested',
          actor: 'webhook:flux-system/podinfo-02',
          promotionId: record.id,
        },
      ]);
      expect(record.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.parse(record.createdAt)).not.toBeNaN();
      expect(await store.get(record.id)).toEqual(record);
      expect(
        await store.get('00000000-0000-0000-0000-000000000000'),
      ).toBeUndefined();
    });

    it('treats the same version as a no-op while its row is active, and records it anew after the row ended', async () => {
      const { store, knex } = await createStore();
      const first = await create(store, promotion('6.0.1'));
      const again = await create(store, {
        ...promotion('6.0.1'),
        trigger: 'user',
        requestedBy: 'user:default/guest',
      });
      expect(again.created).toBe(false);
      expect(again.record).toEqual(first.record);
      expect((await create(store, promotion('6.0.1', 'prod'))).created).toBe(
        true,
      );
      await store.transition(
        first.record.id,
        ['queued'],
        'cancelled',
        {},
        { type: 'cancelled', message: 'by me' },
      );
      const third = await create(store, promotion('6.0.1'));
      expect(third.created).toBe(true);
      expect(third.record.id).not.toBe(first.record.id);
      const [{ count }] = await knex('promotions').count({ count: '*' });
      expect(Number(count)).toBe(3);
    });

    it('gives 50 concurrent duplicate requests one row', async () => {
      const { store } = await createStore();
      const results = await Promise.all(
        Array.from({ length: 50 }, () => create(store, promotion('7.7.7'))),
      );
      expect(results.filter(r => r.created)).toHaveLength(1);
      expect(new Set(results.map(r => r.record.id)).size).toBe(1);
    });

    it('writes a once event one time when replicas append it concurrently, and other events every time', async () => {
      const { store } = await createStore();
      const { record } = await create(store, promotion('6.0.2'));
      const line = {
        type: 'target-ready' as const,
        message: 'target flux-system/dev/podinfo-02-qa Ready at 6.0.2',
        actor: 'pipelines:engine',
      };
      await Promise.all(
        [...Array(10).keys()].map(() =>
          store.appendEvent(record.id, { ...line, once: true }),
        ),
      );
      await store.appendEvent(record.id, { ...line, once: true });
      await store.appendEvent(record.id, {
        type: 'attempt-failed',
        message: 'attempt 1 of 5 failed',
      });
      await store.appendEvent(record.id, {
        type: 'attempt-failed',
        message: 'attempt 1 of 5 failed',
      });
      const events = await store.events(record.id);
      expect(events.filter(e => e.type === 'target-ready')).toHaveLength(1);
      expect(events.filter(e => e.type === 'attempt-failed')).toHaveLength(2);
    });

    it('lists newest first with pagination and a total', async () => {
      const { store } = await createStore();
      for (const v of ['1.0.0', '1.0.1', '1.0.2', '1.0.3', '1.0.4']) {
        await create(store, promotion(v));
        await new Promise(r => setTimeout(r, 5));
      }
      await create(store, {
        ...promotion('9.9.9'),
        pipeline: { ...pipeline, name: 'other' },
      });
      const page1 = await store.list(pipeline, { offset: 0, limit: 2 });
      expect(page1.totalCount).toBe(5);
      expect(page1.items.map(i => i.version)).toEqual(['1.0.4', '1.0.3']);
      const page3 = await store.list(pipeline, { offset: 4, limit: 2 });
      expect(page3.items.map(i => i.version)).toEqual(['1.0.0']);
      expect((await store.listActive(pipeline)).map(i => i.version)).toEqual([
        '1.0.0',
        '1.0.1',
        '1.0.2',
        '1.0.3',
        '1.0.4',
      ]);
    });

    it('moves rows through the states of a promotion atomically, with approvals, PR details and events', async () => {
      const { store } = await createStore();
      const { record } = await create(store, {
        ...promotion('2.0.0'),
        state: 'waiting-approval',
      });
      const approval = {
        by: 'user:default/bob',
        at: new Date().toISOString(),
        decision: 'approved' as const,
        reason: 'ok',
      };
      const approved = await store.transition(
        record.id,
        ['waiting-approval'],
        'queued',
        { approval },
        { type: 'approved', actor: 'user:default/bob', message: 'Approved' },
      );
      expect(approved).toMatchObject({
        state: 'queued',
        approvals: [approval],
      });
      // A second decision finds the row no longer waiting.
      expect(
        await store.transition(record.id, ['waiting-approval'], 'rejected'),
      ).toBeUndefined();
      await start(store, record.id);
      const open = await store.transition(
        record.id,
        ['running'],
        'awaiting-merge',
        {
          pullRequestUrl: 'https://forge/pr/1',
          pullRequestNumber: 1,
          headSha: 'abc',
        },
      );
      expect((await store.get(record.id))?.state).toBe('awaiting-merge');
      expect(open).toMatchObject({
        state: 'awaiting-merge',
        pullRequestUrl: 'https://forge/pr/1',
        pullRequestNumber: 1,
      });
      const mergedAt = new Date('2026-11-30T10:00:00Z');
      await store.transition(record.id, ['awaiting-merge'], 'rolling-out', {
        mergedBy: 'alice',
        mergedAt,
      });
      const done = await store.transition(
        record.id,
        ['rolling-out'],
        'deployed',
        { deployedAt: new Date() },
        { type: 'deployed', message: 'Deployed' },
      );
      expect(done).toMatchObject({
        state: 'deployed',
        mergedBy: 'alice',
        mergedAt: mergedAt.toISOString(),
      });
      expect(await store.get(record.id)).toMatchObject({
        state: 'deployed',
        approvals: [approval],
        endedAt: expect.any(String),
        deployedAt: expect.any(String),
      });
      expect((await store.events(record.id)).map(e => e.type)).toEqual([
        'requested',
        'approved',
        'started',
        'deployed',
      ]);
      expect(
        (await store.listDeployed(pipeline, 'test')).map(r => r.id),
      ).toEqual([record.id]);
      expect(await store.listActive(pipeline)).toEqual([]);
    });

    it('keeps one promotion in flight per environment: a newer one takes it, an older one is superseded', async () => {
      const { store } = await createStore();
      const a = await create(store, promotion('4.0.0'));
      await start(store, a.record.id);
      const b = await create(store, promotion('4.1.0'));
      // 4.0.0 is still writing its change: 4.1.0 waits.
      expect(
        await store.takeEnvironment(b.record.id, () => true),
      ).toBeUndefined();
      await store.transition(a.record.id, ['running'], 'awaiting-merge', {
        pullRequestNumber: 1,
      });
      const taken = await store.takeEnvironment(
        b.record.id,
        holder => holder.version === '4.0.0',
      );
      expect(taken).toMatchObject({
        taken: true,
        record: { state: 'running' },
        replaced: { id: a.record.id, state: 'superseded' },
      });
      await store.transition(b.record.id, ['running'], 'awaiting-merge', {
        pullRequestNumber: 1,
      });
      const c = await create(store, promotion('3.9.0'));
      const refused = await store.takeEnvironment(c.record.id, () => false);
      expect(refused).toMatchObject({
        taken: false,
        record: { state: 'superseded' },
        holder: { id: b.record.id },
      });
      expect((await store.events(c.record.id)).pop()?.message).toMatch(
        /4.1.0 is already being promoted/,
      );
      // Another environment is independent.
      const prod = await create(store, promotion('4.0.0', 'prod'));
      expect(
        await store.takeEnvironment(prod.record.id, () => false),
      ).toMatchObject({ taken: true });
    });

    it('supersedes the other pending rows of an environment', async () => {
      const { store } = await createStore();
      const old = await create(store, {
        ...promotion('1.0.0'),
        state: 'waiting-approval',
      });
      const otherEnv = await create(store, {
        ...promotion('1.0.0', 'prod'),
        state: 'waiting-approval',
      });
      const newer = await create(store, {
        ...promotion('1.1.0'),
        state: 'waiting-approval',
      });
      const done = await store.supersedePending(
        pipeline,
        'test',
        newer.record.id,
        ['waiting-approval'],
        '1.1.0 was requested after it',
      );
      expect(done.map(r => r.id)).toEqual([old.record.id]);
      expect((await store.get(old.record.id))?.state).toBe('superseded');
      expect((await store.get(otherEnv.record.id))?.state).toBe(
        'waiting-approval',
      );
      expect((await store.get(newer.record.id))?.state).toBe(
        'waiting-approval',
      );
    });

    it('lets one owner at a time claim a running row, and takes back expired claims', async () => {
      const { store } = await createStore();
      const { record } = await create(store, promotion('3.0.0'));
      await start(store, record.id);
      const results = await Promise.all(
        ['a', 'b', 'c', 'd'].map(owner =>
          store.claim(record.id, 'running', owner, 60_000),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.listRunnable(10)).toEqual([]);
      const owner = ['a', 'b', 'c', 'd'][results.indexOf(true)];
      await store.release(
        record.id,
        owner,
        new Date(Date.now() - 1),
        'HTTP 503 from the forge',
      );
      expect((await store.listRunnable(10)).map(r => r.id)).toEqual([
        record.id,
      ]);
      expect(await store.claim(record.id, 'running', 'e', 1)).toBe(true);
      await new Promise(r => setTimeout(r, 20));
      // the lease of 1 ms expired: a crashed owner's row can be claimed again
      expect(await store.claim(record.id, 'running', 'f', 60_000)).toBe(true);
      const row = await store.get(record.id);
      expect(row).toMatchObject({
        attempts: 3,
        error: 'HTTP 503 from the forge',
      });
    });

    it('polls an awaiting-merge row only when due, remembering the ETag', async () => {
      const { store } = await createStore();
      const { record } = await create(store, promotion('5.0.0'));
      await start(store, record.id);
      await store.transition(record.id, ['running'], 'awaiting-merge', {
        pullRequestNumber: 3,
        nextCheckAt: new Date(Date.now() + 60_000),
      });
      expect(await store.listPullRequestsDue(10)).toEqual([]);
      const due = await create(store, promotion('5.0.0', 'prod'));
      await start(store, due.record.id);
      await store.transition(due.record.id, ['running'], 'awaiting-merge', {
        pullRequestNumber: 4,
        nextCheckAt: new Date(Date.now() - 1),
      });
      expect((await store.listPullRequestsDue(10)).map(r => r.id)).toEqual([
        due.record.id,
      ]);
      expect(
        await store.claim(due.record.id, 'awaiting-merge', 'me', 60_000),
      ).toBe(true);
      await store.release(
        due.record.id,
        'me',
        new Date(Date.now() - 1),
        undefined,
        'W/"etag-1"',
      );
      expect((await store.pullRequestHead(due.record.id)).etag).toBe(
        'W/"etag-1"',
      );
      // Polling a pull request is not an attempt of the promotion.
      expect((await store.get(due.record.id))?.attempts).toBe(0);
    });

    it('queues a waiting row once enough distinct people approved it, and never counts anyone twice', async () => {
      const { store } = await createStore();
      const { record } = await create(store, {
        ...promotion('9.0.0'),
        state: 'waiting-approval',
        requiredApprovals: 2,
      });
      expect(record.requiredApprovals).toBe(2);
      const approval = (by: string) => ({
        by,
        at: new Date().toISOString(),
        decision: 'approved' as const,
      });
      const event = { type: 'approved' as const, message: 'ok' };
      expect(
        await store.approve(record.id, approval('user:default/bob'), event),
      ).toMatchObject({
        outcome: 'waiting',
        record: { state: 'waiting-approval' },
      });
      expect(
        await store.approve(record.id, approval('user:default/bob'), event),
      ).toMatchObject({ outcome: 'duplicate' });
      // Two more at once: one of them completes the quorum; the other finds the row no longer waiting.
      const results = await Promise.all([
        store.approve(record.id, approval('user:default/carol'), event),
        store.approve(record.id, approval('user:default/dave'), event),
      ]);
      expect(results.filter(r => r?.outcome === 'queued')).toHaveLength(1);
      const row = await store.get(record.id);
      expect(row?.state).toBe('queued');
      expect(row?.approvals).toHaveLength(2);
    });
  },
);
