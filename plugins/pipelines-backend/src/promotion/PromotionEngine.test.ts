import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { PromotionRecord } from '@gitops-pipelines/plugin-pipelines-common';
import { DatabaseHoldStore } from '../database/DatabaseHoldStore';
import { DatabasePromotionStore } from '../database/DatabasePromotionStore';
import { PromotionEngine } from './PromotionEngine';
import {
  PromotionError,
  PromotionStrategy,
} from './strategies/PromotionStrategy';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const key = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
};
const pipeline = {
  apiVersion: 'pipelines.weave.works/v1alpha1',
  kind: 'Pipeline',
  metadata: { name: 'podinfo-02', namespace: 'flux-system' },
  spec: {
    appRef: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
      kind: 'HelmRelease',
      name: 'podinfo',
    },
    environments: [
      { name: 'dev', targets: [{ namespace: 'a' }] },
      { name: 'prod', targets: [{ namespace: 'b' }] },
    ],
    promotion: { strategy: { notification: {} } },
  },
};

async function setup(strategy: PromotionStrategy, object: unknown = pipeline) {
  const store = await DatabasePromotionStore.create({
    database: mockServices.database({
      knex: await databases.init('SQLITE_3'),
      migrations: { skip: false },
    }),
  });
  const engine = new PromotionEngine({
    store,
    holds: new DatabaseHoldStore(store.client),
    cache: {
      getPipelineObject: () => ({
        object: object as any,
        kubeConfig: undefined as any,
      }),
      getPipeline: () => undefined,
    },
    strategies: [strategy],
    logger: mockServices.logger.mock(),
    maxAttempts: 3,
    retryBaseMs: 20,
  });
  return { store, engine };
}

const waitFor = async (fn: () => Promise<PromotionRecord | undefined>) => {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await fn();
    if (r && !['queued', 'running'].includes(r.state)) return r;
    if (Date.now() > deadline) throw new Error(`still ${r?.state}`);
    await new Promise(res => setTimeout(res, 20));
  }
};

describe('PromotionEngine', () => {
  it('retries a retryable failure with backoff, then ends failed with the last message', async () => {
    const execute = jest.fn(async () => {
      throw new PromotionError(
        'listing pull requests: HTTP 502 bad gateway',
        true,
      );
    });
    const { store, engine } = await setup({ name: 'notification', execute });
    const { record } = await engine.request({
      pipeline: key,
      environment: 'prod',
      version: '1.0.0',
      trigger: 'user',
      requestedBy: 'user:default/a',
    });
    const done = await waitFor(() => store.get(record.id));
    expect(done).toMatchObject({
      state: 'failed',
      attempts: 3,
      error: 'listing pull requests: HTTP 502 bad gateway (after 3 attempts)',
    });
    expect((await store.events(record.id)).map(e => e.type)).toEqual([
      'requested',
      'started',
      'attempt-failed',
      'attempt-failed',
      'failed',
    ]);
    expect(execute).toHaveBeenCalledTimes(3);
  });

  it('waits as long as Retry-After asks, then succeeds', async () => {
    let calls = 0;
    const times: number[] = [];
    const { store, engine } = await setup({
      name: 'notification',
      execute: async () => {
        times.push(Date.now());
        if (++calls === 1)
          throw new PromotionError('HTTP 429 slow down', true, 400);
        return { summary: 'ok' };
      },
    });
    const { record } = await engine.request({
      pipeline: key,
      environment: 'prod',
      version: '1.0.1',
      trigger: 'user',
      requestedBy: 'user:default/a',
    });
    const done = await waitFor(() => store.get(record.id));
    // Sent: the notification is delivered, and the environment is expected to roll out.
    expect(done).toMatchObject({ state: 'rolling-out', attempts: 2 });
    expect(done.error).toBeUndefined();
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(380);
  });

  it('does not retry a final failure', async () => {
    const execute = jest.fn(async () => {
      throw new PromotionError('No field is marked', false);
    });
    const { store, engine } = await setup({ name: 'notification', execute });
    const { record } = await engine.request({
      pipeline: key,
      environment: 'prod',
      version: '1.0.2',
      trigger: 'user',
      requestedBy: 'user:default/a',
    });
    expect(await waitFor(() => store.get(record.id))).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: 'No field is marked',
    });
    expect(execute).toHaveBeenCalledTimes(1);
  });

  it('refuses to promote into the first environment or an unknown one', async () => {
    const { engine } = await setup({
      name: 'notification',
      execute: async () => ({ summary: '' }),
    });
    await expect(
      engine.request({
        pipeline: key,
        environment: 'dev',
        version: '1',
        trigger: 'user',
        requestedBy: 'u',
      }),
    ).rejects.toThrow(
      '"dev" is the first environment of flux-system/podinfo-02: nothing promotes into it',
    );
    await expect(
      engine.request({
        pipeline: key,
        environment: 'qa',
        version: '1',
        trigger: 'user',
        requestedBy: 'u',
      }),
    ).rejects.toThrow(
      'Environment "qa" is not in pipeline flux-system/podinfo-02 (dev, prod)',
    );
    await expect(
      engine.request({
        pipeline: key,
        environment: 'prod',
        version: 'has space',
        trigger: 'user',
        requestedBy: 'u',
      }),
    ).rejects.toThrow(
      'version "has space" contains whitespace (U+0020) at position 4: versions are ASCII letters, digits and . _ + - / @ :',
    );
  });

  it('lets one version at a time into an environment: a newer one supersedes, an older one is refused', async () => {
    const started: string[] = [];
    const { store, engine } = await setup({
      name: 'notification',
      execute: async ({ record }) => {
        started.push(record.version);
        return { summary: 'sent' };
      },
    });
    const req = (version: string, trigger: 'user' | 'rollback' = 'user') =>
      engine.request({
        pipeline: key,
        environment: 'prod',
        version,
        trigger,
        requestedBy: 'user:default/a',
      });
    const a = await req('7.0.1');
    expect((await waitFor(() => store.get(a.record.id))).state).toBe(
      'rolling-out',
    );
    await expect(req('7.0.0')).rejects.toThrow(
      '7.0.1 is already being promoted into "prod" (rolling-out); an older version replaces it only by a rollback',
    );
    const b = await req('7.0.2');
    expect((await waitFor(() => store.get(b.record.id))).state).toBe(
      'rolling-out',
    );
    expect(await store.get(a.record.id)).toMatchObject({ state: 'superseded' });
    expect(started).toEqual(['7.0.1', '7.0.2']);
  });

  it('retries a failed promotion as a new row linked to it, and cancels a queued one', async () => {
    let fail = true;
    const { store, engine } = await setup({
      name: 'notification',
      execute: async () => {
        if (fail) throw new PromotionError('no receiver', false);
        return { summary: 'sent' };
      },
    });
    const { record } = await engine.request({
      pipeline: key,
      environment: 'prod',
      version: '2.0.0',
      trigger: 'webhook',
      requestedBy: 'webhook',
    });
    expect((await waitFor(() => store.get(record.id))).state).toBe('failed');
    fail = false;
    const retry = await engine.retry(record.id, 'user:default/bob');
    expect(retry).toMatchObject({
      created: true,
      record: {
        retryOf: record.id,
        version: '2.0.0',
        requestedBy: 'user:default/bob',
      },
    });
    expect((await waitFor(() => store.get(retry.record.id))).state).toBe(
      'rolling-out',
    );
    await expect(
      engine.retry(retry.record.id, 'user:default/bob'),
    ).rejects.toThrow('only failed promotions can be retried');
    await expect(
      engine.cancel(retry.record.id, 'user:default/bob'),
    ).rejects.toThrow(
      'only waiting, queued or awaiting-merge promotions can be cancelled',
    );
  });

  it('waits for the quorum a Pipeline asks for: the requester never counts, nobody counts twice, one rejection ends it', async () => {
    const gated = structuredClone(pipeline) as any;
    gated.metadata.annotations = {
      'pipelines.weave.works/required-approvals': 'prod=2',
    };
    gated.spec.promotion.manual = true;
    const { store, engine } = await setup(
      { name: 'notification', execute: async () => ({ summary: 'sent' }) },
      gated,
    );
    const { record } = await engine.request({
      pipeline: key,
      environment: 'prod',
      version: '3.0.0',
      trigger: 'user',
      requestedBy: 'user:default/alice',
    });
    expect(record).toMatchObject({
      state: 'waiting-approval',
      requiredApprovals: 2,
    });
    await expect(
      engine.decide(record.id, 'approved', 'user:default/alice'),
    ).rejects.toThrow('You requested this promotion');
    expect(
      await engine.decide(record.id, 'approved', 'user:default/bob'),
    ).toMatchObject({ state: 'waiting-approval' });
    await expect(
      engine.decide(record.id, 'approved', 'user:default/bob'),
    ).rejects.toThrow('user:default/bob has already approved');
    expect(
      await engine.decide(record.id, 'approved', 'user:default/carol'),
    ).toMatchObject({ state: 'queued' });
    expect(
      (await store.events(record.id))
        .filter(e => e.type === 'approved')
        .map(e => e.message),
    ).toEqual([
      'Approved by user:default/bob (1 of 2)',
      'Approved by user:default/carol (2 of 2)',
    ]);
    const second = await engine.request({
      pipeline: key,
      environment: 'prod',
      version: '3.1.0',
      trigger: 'user',
      requestedBy: 'user:default/alice',
    });
    await engine.decide(second.record.id, 'approved', 'user:default/bob');
    expect(
      await engine.decide(
        second.record.id,
        'rejected',
        'user:default/carol',
        'not today',
      ),
    ).toMatchObject({ state: 'rejected' });
  });
});
