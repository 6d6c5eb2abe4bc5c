import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type {
  PipelineDetail,
  PromotionTrigger,
} from '@gitops-pipelines/plugin-pipelines-common';
import { DatabaseHoldStore } from '../database/DatabaseHoldStore';
import { DatabasePromotionStore } from '../database/DatabasePromotionStore';
import { APPROVAL_TIMEOUT_ACTOR } from './expireApprovals';
import { PromotionEngine } from './PromotionEngine';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const key = { cluster: 'management', namespace: 'flux-system', name: 'p' };
const alice = 'user:default/alice';
const env = (name: string, namespace: string) => ({
  name,
  targets: [{ namespace }],
});
const pipeline = {
  apiVersion: 'pipelines.weave.works/v1alpha1',
  kind: 'Pipeline',
  metadata: { name: 'p', namespace: 'flux-system' },
  spec: {
    appRef: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
      kind: 'HelmRelease',
      name: 'podinfo',
    },
    environments: [env('dev', 'a'), env('prod', 'b')],
    // Every promotion waits for approval: rows stay put, nothing runs.
    promotion: { manual: true, strategy: { notification: {} } },
  },
};

/** An engine on a fresh ledger, with the versions each environment's targets run. */
type Running = string | undefined | { version: string; health: string };
async function setup(running: Record<string, Running[]>) {
  const store = await DatabasePromotionStore.create({
    database: mockServices.database({
      knex: await databases.init('SQLITE_3'),
      migrations: { skip: false },
    }),
  });
  const detail = (): PipelineDetail =>
    ({
      ...key,
      environments: Object.entries(running).map(([name, versions]) => ({
        name,
        targets: versions.map(v =>
          typeof v === 'object' ? v : { version: v, health: 'ready' },
        ),
      })),
    } as unknown as PipelineDetail);
  const engine = new PromotionEngine({
    store,
    holds: new DatabaseHoldStore(store.client),
    cache: {
      getPipelineObject: () => ({
        object: pipeline as any,
        kubeConfig: undefined as any,
      }),
      getPipeline: detail,
    },
    strategies: [],
    logger: mockServices.logger.mock(),
  });
  /** A row that reached prod at `at` (the ledger's history). */
  const deployed = async (
    version: string,
    at: string,
    trigger: PromotionTrigger = 'user',
  ) => {
    const { record } = await store.create(
      {
        pipeline: key,
        fromEnvironment: 'dev',
        toEnvironment: 'prod',
        version,
        trigger,
        requestedBy: alice,
        state: 'queued',
        strategy: 'notification',
      },
      { type: 'requested', message: 'seeded' },
    );
    await store.transition(record.id, ['queued'], 'deployed', {
      deployedAt: new Date(at),
    });
  };
  const offer = (version: string, trigger: PromotionTrigger = 'level') =>
    engine.offer({
      pipeline: key,
      environment: 'prod',
      version,
      trigger,
      requestedBy: 'pipelines:level-trigger',
    });
  const ask = (version: string, by = alice) =>
    engine.request({
      pipeline: key,
      environment: 'prod',
      version,
      trigger: 'user',
      requestedBy: by,
    });
  const rows = async () =>
    (await store.list(key, { offset: 0, limit: 100 })).totalCount;
  return { store, engine, deployed, offer, ask, rows, running };
}

const sha = (c: string) => `main@sha1:${c.repeat(40)}`;

describe('precedence of requests', () => {
  it('ignores an automatic trigger for an older version than prod runs, on any target, and says why', async () => {
    const { engine, offer, rows } = await setup({
      dev: ['1.0.0'],
      prod: ['1.2.0', '1.1.0'],
    });
    expect(await engine.requestNext(key, 'dev', '1.0.0', 'webhook:x')).toEqual({
      ignored: 'prod runs 1.2.0, newer than 1.0.0',
      created: false,
    });
    expect((await offer('1.1.5')).ignored).toBe(
      'prod runs 1.2.0, newer than 1.1.5',
    );
    expect((await offer('v1.0.0', 'webhook')).ignored).toBe(
      'prod runs 1.2.0, newer than v1.0.0',
    );
    expect(await rows()).toBe(0);
    // A newer one goes through.
    expect(await offer('1.3.0')).toMatchObject({ created: true });
  });

  it('ignores a replay of what prod already runs on every target; finishes a partial rollout', async () => {
    const setupResult = await setup({ dev: ['2.0.0'], prod: ['2.0.0'] });
    const { engine, rows } = setupResult;
    const replay = () => engine.requestNext(key, 'dev', '2.0.0', 'webhook:x');
    expect(await replay()).toEqual({
      ignored: 'prod already runs 2.0.0 on every target',
      created: false,
    });
    expect(await replay()).toMatchObject({ created: false });
    expect(await rows()).toBe(0);
    setupResult.running.prod = ['2.0.0', undefined];
    expect(await replay()).toMatchObject({ created: true });
  });

  it('orders by the newest deployed row when the targets say nothing, and Git revisions by the ledger', async () => {
    const { offer, deployed, rows } = await setup({ prod: [undefined] });
    await deployed('1.5.0', '2026-11-01T00:00:00Z');
    expect((await offer('1.4.0')).ignored).toBe(
      'prod runs 1.5.0, newer than 1.4.0',
    );
    await deployed(sha('b'), '2026-11-02T00:00:00Z');
    await deployed(sha('a'), '2026-11-03T00:00:00Z');
    expect((await offer(sha('b'), 'webhook')).ignored).toBe(
      `prod runs ${sha('a')}, newer than ${sha('b')}`,
    );
    expect(await rows()).toBe(3);
    expect(await offer(sha('c'))).toMatchObject({ created: true });
  });

  it('refuses a person an older version, pointing at Roll back, and what changes nothing', async () => {
    const { ask, rows } = await setup({ dev: ['1.0.0'], prod: ['1.2.0'] });
    await expect(ask('1.0.0')).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        'prod runs 1.2.0, newer than 1.0.0: only a rollback goes back (Roll back to 1.0.0, which also holds prod)',
    });
    await expect(ask('1.2.0')).rejects.toThrow(
      'prod already runs 1.2.0 on every target: a promotion that changes nothing is not a deployment',
    );
    // The engine's request() refuses what offer() would ignore, for any caller.
    await expect(
      (
        await setup({ prod: ['1.2.0'] })
      ).engine.request({
        pipeline: key,
        environment: 'prod',
        version: '1.0.0',
        trigger: 'webhook',
        requestedBy: 'webhook:x',
      }),
    ).rejects.toThrow('prod runs 1.2.0, newer than 1.0.0');
    expect(await rows()).toBe(0);
  });

  it('lets a person request what a failing environment runs, and retry what recovered since', async () => {
    const { engine, store, ask, running } = await setup({
      prod: [{ version: '2.0.0', health: 'not-ready' }, '2.0.0'],
    });
    const first = await ask('2.0.0');
    expect(first.created).toBe(true);
    await store.transition(first.record.id, ['waiting-approval'], 'failed', {
      error: 'image pull back-off',
    });
    running.prod = ['2.0.0'];
    await expect(ask('2.0.0')).rejects.toThrow('already runs 2.0.0');
    // The retry finishes the failed change: it settles from the targets.
    expect(await engine.retry(first.record.id, alice)).toMatchObject({
      created: true,
      record: { retryOf: first.record.id },
    });
  });

  it('lets a rollback go back: the only backwards move', async () => {
    const { engine, deployed } = await setup({ prod: ['1.2.0'] });
    await deployed('1.0.0', '2026-11-01T00:00:00Z');
    await deployed('1.2.0', '2026-11-02T00:00:00Z');
    const { record, hold } = await engine.rollback(key, 'prod', '1.0.0', alice);
    expect(record).toMatchObject({ version: '1.0.0', trigger: 'rollback' });
    expect(hold.heldBy).toBe(alice);
  });

  it.each([
    [
      'cancelled',
      (e: PromotionEngine, id: string) => e.cancel(id, alice, 'not today'),
      ` by ${alice}`,
    ],
    [
      'rejected',
      (e: PromotionEngine, id: string) => e.decide(id, 'rejected', alice, 'no'),
      ` by ${alice}`,
    ],
  ])(
    'never re-requests automatically a version a person %s; a person may',
    async (_state, end, by) => {
      const { engine, offer, ask, rows } = await setup({
        dev: ['3.0.0'],
        prod: ['2.0.0'],
      });
      const first = await offer('3.0.0');
      await end(engine, first.record!.id);
      const again = await offer('3.0.0');
      expect(again.ignored).toBe(
        `the promotion of 3.0.0 into prod was ${_state}${by} (${
          first.record!.id
        }): only a person requests it again`,
      );
      expect(
        (await engine.requestNext(key, 'dev', '3.0.0', 'webhook:x')).ignored,
      ).toBe(again.ignored);
      expect(await rows()).toBe(1);
      expect(await ask('3.0.0', 'user:default/bob')).toMatchObject({
        created: true,
      });
      expect(await rows()).toBe(2);
    },
  );

  it('asks again after an approval timed out, and after a newer version superseded a waiting one', async () => {
    const { store, offer, rows } = await setup({ prod: ['1.0.0'] });
    const first = await offer('1.1.0');
    await store.transition(
      first.record!.id,
      ['waiting-approval'],
      'rejected',
      {},
      {
        type: 'rejected',
        actor: APPROVAL_TIMEOUT_ACTOR,
        message: 'No decision within 1 day',
      },
    );
    expect(await offer('1.1.0')).toMatchObject({ created: true });
    expect(await rows()).toBe(2);
  });

  it('never re-requests automatically a version a rollback moved away from, or whose promotion failed', async () => {
    const { store, offer, deployed, ask } = await setup({ prod: ['1.0.0'] });
    await deployed('1.0.0', '2026-11-01T00:00:00Z');
    await deployed('1.1.0', '2026-11-02T00:00:00Z');
    await deployed('1.0.0', '2026-11-03T00:00:00Z', 'rollback');
    expect((await offer('1.1.0')).ignored).toBe(
      `prod was rolled back from 1.1.0 to 1.0.0 by ${alice}: only a person requests 1.1.0 again`,
    );
    expect(await offer('1.2.0')).toMatchObject({ created: true });
    const failed = await ask('1.3.0');
    await store.transition(
      failed.record.id,
      ['waiting-approval'],
      'failed',
      {
        error: 'boom',
      },
      { type: 'failed', message: 'boom' },
    );
    expect((await offer('1.3.0')).ignored).toBe(
      `the promotion of 1.3.0 into prod failed (${failed.record.id}): a person retries it (Retry)`,
    );
  });

  it.each([
    ['U+200B', '1.0.0\u200b'],
    ['U+2060', '\u20601.0.0'],
    ['U+FEFF', '\ufeff1.0.0'],
    ['U+202E', '1.0.0\u202e'],
    ['full-width 1.2.0', '１.２.０'],
    ['Cyrillic o', '1.0.0-rc.\u043e'],
    ['a newline', '1.0.0\n'],
    ['-rf', '-rf'],
    ['banana; rm -rf', 'banana; rm -rf'],
    ['300 characters', '9'.repeat(300)],
    ['empty', ''],
  ])(
    'refuses a version with %s at every entrance, recording nothing',
    async (_what, version) => {
      const { engine, store, deployed, rows } = await setup({ prod: ['1'] });
      const bad = {
        name: 'InputError',
        message: expect.stringMatching(/^version /),
      };
      await expect(
        engine.request({
          pipeline: key,
          environment: 'prod',
          version,
          trigger: 'user',
          requestedBy: alice,
        }),
      ).rejects.toMatchObject(bad);
      await expect(
        engine.requestNext(key, 'dev', version, 'webhook:x'),
      ).rejects.toMatchObject(bad);
      await expect(
        engine.offer({
          pipeline: key,
          environment: 'prod',
          version,
          trigger: 'level',
          requestedBy: 'pipelines:level-trigger',
        }),
      ).rejects.toMatchObject(bad);
      await expect(
        engine.rollback(key, 'prod', version, alice),
      ).rejects.toMatchObject(bad);
      // A row written before the rule (or by hand) is not retried with its bad version.
      const { record } = await store.create(
        {
          pipeline: key,
          toEnvironment: 'prod',
          version,
          trigger: 'user',
          requestedBy: alice,
          state: 'queued',
          strategy: 'notification',
        },
        { type: 'requested', message: 'legacy' },
      );
      await store.transition(record.id, ['queued'], 'failed', { error: 'x' });
      await expect(engine.retry(record.id, alice)).rejects.toMatchObject(bad);
      await deployed('0.1.0', '2026-11-01T00:00:00Z');
      expect(await rows()).toBe(2);
    },
  );
});
