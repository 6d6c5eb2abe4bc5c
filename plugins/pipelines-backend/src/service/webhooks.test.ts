import { TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { apply, Sandbox, waitUntil as until } from '@gitops-pipelines/sandbox';
import { createHmac } from 'crypto';
import request from 'supertest';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

/*
 * Issue 11 §1, each input as a test, through the real plugin against the sandbox's
 * kube-apiservers: the webhooks decide status codes and whether a ledger row exists (the
 * rows' states are the engine's business and are not asserted here).
 */

jest.setTimeout(180_000);

const WEBHOOK_CONFIG = {
  approval: true,
  rateLimit: { requests: 20, windowSeconds: 10 },
};

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const HMAC_KEY = 'issue-11-hmac-key';
const ref = (cluster: string) => ({
  kind: 'GitopsCluster',
  name: cluster,
  namespace: 'flux-system',
});

function hookPipeline(
  name: string,
  options: { signed: boolean; kind?: 'HelmRelease' | 'Kustomization' },
) {
  const secretRef = options.signed ? { secretRef: { name: 'hook-hmac' } } : {};
  return {
    apiVersion: 'pipelines.weave.works/v1alpha1',
    kind: 'Pipeline',
    metadata: {
      name,
      namespace: 'flux-system',
      annotations: { 'pipelines.weave.works/required-approvals': 'prod=2' },
    },
    spec: {
      appRef:
        options.kind === 'Kustomization'
          ? {
              apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
              kind: 'Kustomization',
              name: 'apps',
            }
          : {
              apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
              kind: 'HelmRelease',
              name: 'podinfo',
            },
      environments: [
        {
          name: 'dev',
          targets: [{ namespace: `${name}-dev`, clusterRef: ref('dev') }],
        },
        {
          name: 'test',
          targets: [{ namespace: `${name}-qa`, clusterRef: ref('dev') }],
        },
        {
          name: 'prod',
          targets: [{ namespace: `${name}-prod`, clusterRef: ref('prod') }],
          promotion: {
            manual: true,
            strategy: { notification: {}, ...secretRef },
          },
        },
      ],
      promotion: { strategy: { notification: {}, ...secretRef } },
    },
  };
}

const sign = (body: string) =>
  `sha256=${createHmac('sha256', HMAC_KEY).update(body).digest('hex')}`;
const helmEvent = (revision: string, fields: Record<string, string> = {}) =>
  JSON.stringify({
    involvedObject: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      name: 'podinfo',
      namespace: fields.namespace ?? 'hook-signed-dev',
      ...fields,
    },
    severity: fields.severity ?? 'info',
    reason: fields.reason ?? 'UpgradeSucceeded',
    message: 'Helm upgrade succeeded',
    metadata: { revision },
    reportingController: 'helm-controller',
  });

describe('issue 11 §1: webhooks against the sandbox', () => {
  let sandbox: Sandbox;
  let server: any;
  const post = (path: string, body: string, signature?: string) => {
    const r = request(server)
      .post(`/api/pipelines${path}`)
      .set('Content-Type', 'application/json');
    return (signature ? r.set('X-Signature', signature) : r).send(body);
  };
  const pipelineLoaded = (name: string) => async () =>
    (
      await request(server).get(
        `/api/pipelines/v1/pipelines/management/flux-system/${name}`,
      )
    ).status === 200;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ fluxDelayMs: 100, seed: false });
    await apply(sandbox.clusters.management.admin, [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'hook-hmac', namespace: 'flux-system' },
        stringData: { 'hmac-key': HMAC_KEY },
      } as any,
      hookPipeline('hook-signed', { signed: true }) as any,
      hookPipeline('hook-unsigned', { signed: false }) as any,
      hookPipeline('hook-kustomize', {
        signed: false,
        kind: 'Kustomization',
      }) as any,
    ]);
    const knex = await databases.init('SQLITE_3');
    server = await startSandboxBackend(sandbox, {
      knex,
      permission: AuthorizeResult.ALLOW,
      pipelines: { levelTriggers: false, webhooks: WEBHOOK_CONFIG },
    });
    for (const name of ['hook-signed', 'hook-unsigned', 'hook-kustomize'])
      await until(pipelineLoaded(name), name);
    // the HMAC Secret reaches the watch cache (a signed event to the last environment: 401 until then, 400 after)
    await until(
      async () => {
        const body = helmEvent('0.0.1');
        return (
          (
            await post(
              '/promotion/flux-system/hook-signed/prod',
              body,
              sign(body),
            )
          ).status === 400
        );
      },
      'hmac-key in cache',
      30_000,
      1000,
    );
    // start the tests with a fresh rate-limit window
    await new Promise(r =>
      setTimeout(r, (WEBHOOK_CONFIG.rateLimit.windowSeconds + 0.5) * 1000),
    );
  });
  afterAll(() => sandbox?.stop());

  const rows = async (pipeline: string) =>
    (
      await request(server).get(
        `/api/pipelines/v1/pipelines/management/flux-system/${pipeline}/promotions?limit=100`,
      )
    ).body.items as any[];

  it('an unsigned approval of a pipeline without secretRef is refused, even with the webhook on', async () => {
    const requested = await post(
      '/promotion/flux-system/hook-unsigned/test',
      helmEvent('6.1.0', { namespace: 'hook-unsigned-qa' }),
    );
    expect(requested.status).toBe(201);
    const row = (await rows('hook-unsigned')).find(
      r => r.version === '6.1.0' && r.toEnvironment === 'prod',
    );
    expect(row).toBeDefined();
    for (const body of [
      '',
      '{}',
      JSON.stringify({
        namespace: 'flux-system',
        name: 'hook-unsigned',
        environment: 'test',
        revision: '6.1.0',
        timestamp: Date.now() / 1000,
      }),
    ]) {
      const res = await post(
        '/approval/flux-system/hook-unsigned/test/6.1.0',
        body,
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(
        /needs a secretRef to a Secret with hmac-key/,
      );
    }
    const after = (await rows('hook-unsigned')).find(r => r.id === row.id);
    expect(after.approvals).toEqual([]);
  });

  it('the approval webhook needs a signed body bound to the path, and counts once', async () => {
    const event = helmEvent('6.3.0', { namespace: 'hook-signed-qa' });
    expect(
      (
        await post(
          '/promotion/flux-system/hook-signed/test',
          event,
          sign(event),
        )
      ).status,
    ).toBe(201);
    const row = (await rows('hook-signed')).find(
      r => r.version === '6.3.0' && r.toEnvironment === 'prod',
    );
    expect(row).toBeDefined();
    const approval = (fields: object = {}) =>
      JSON.stringify({
        namespace: 'flux-system',
        name: 'hook-signed',
        environment: 'test',
        revision: '6.3.0',
        timestamp: Math.floor(Date.now() / 1000),
        ...fields,
      });
    expect(
      (await post('/approval/flux-system/hook-signed/test/6.3.0', '')).status,
    ).toBe(401);
    const forOther = approval({ revision: '6.2.0' });
    expect(
      (
        await post(
          '/approval/flux-system/hook-signed/test/6.3.0',
          forOther,
          sign(forOther),
        )
      ).status,
    ).toBe(422);
    expect(
      (await rows('hook-signed')).find(r => r.id === row.id).approvals,
    ).toEqual([]);
    const body = approval({ reason: 'smoke tests green' });
    const ok = await post(
      '/approval/flux-system/hook-signed/test/6.3.0',
      body,
      sign(body),
    );
    expect(ok.status).toBe(200);
    expect(ok.body.approvals).toEqual([
      expect.objectContaining({
        by: 'webhook-approval:flux-system/hook-signed',
        decision: 'approved',
        reason: 'smoke tests green',
      }),
    ]);
    const again = approval();
    expect(
      (
        await post(
          '/approval/flux-system/hook-signed/test/6.3.0',
          again,
          sign(again),
        )
      ).status,
    ).toBe(409);
    const byWebhook = (await rows('hook-signed'))
      .find(r => r.id === row.id)
      .approvals.filter((a: any) => a.by.startsWith('webhook-approval:'));
    expect(byWebhook).toHaveLength(1);
  });

  it('an error / UpgradeFailed event is ignored with 2xx and records nothing', async () => {
    const body = helmEvent('6.2.0', {
      severity: 'error',
      reason: 'UpgradeFailed',
    });
    const res = await post(
      '/promotion/flux-system/hook-signed/dev',
      body,
      sign(body),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ignored:
        'reason "UpgradeFailed", severity "error": an error event never promotes',
    });
    expect(
      (await rows('hook-signed')).filter(r => r.version === '6.2.0'),
    ).toEqual([]);
  });

  it('an event about a Kustomization or another HelmRelease gets 422 and records nothing', async () => {
    const mismatches: Array<Record<string, string>> = [
      { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
      { name: 'frontend' },
    ];
    for (const fields of mismatches) {
      const body = helmEvent('6.4.0', fields);
      const res = await post(
        '/promotion/flux-system/hook-signed/dev',
        body,
        sign(body),
      );
      expect(res.status).toBe(422);
      expect(res.body.error.name).toBe('UnprocessableEntityError');
    }
    expect(
      (await rows('hook-signed')).filter(r => r.version === '6.4.0'),
    ).toEqual([]);
  });

  it('a signed dev event replayed to the test path gets 422: nothing is queued into prod', async () => {
    const body = helmEvent('6.5.0');
    expect(
      (await post('/promotion/flux-system/hook-signed/dev', body, sign(body)))
        .status,
    ).toBe(201);
    const replay = await post(
      '/promotion/flux-system/hook-signed/test',
      body,
      sign(body),
    );
    expect(replay.status).toBe(422);
    expect(replay.body.error.message).toMatch(
      /namespace is "hook-signed-dev", not a target namespace of environment "test" \(hook-signed-qa\)/,
    );
    const versions = (await rows('hook-signed')).filter(
      r => r.version === '6.5.0',
    );
    expect(versions.map(r => r.toEnvironment)).toEqual(['test']);
  });

  it('revisions keep their identity: a chart digest is dropped, two Git commits are two versions', async () => {
    const digest = helmEvent(`6.6.0@sha256:${'ab'.repeat(32)}`);
    expect(
      (
        await post(
          '/promotion/flux-system/hook-signed/dev',
          digest,
          sign(digest),
        )
      ).status,
    ).toBe(201);
    expect(
      (await rows('hook-signed')).filter(r => r.version === '6.6.0'),
    ).toHaveLength(1);
    for (const commit of [
      '1111111111111111111111111111111111111111',
      '2222222222222222222222222222222222222222',
    ]) {
      const body = JSON.stringify({
        involvedObject: {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          name: 'apps',
          namespace: 'hook-kustomize-dev',
        },
        severity: 'info',
        reason: 'ReconciliationSucceeded',
        message: 'Reconciliation finished in 1s, next run in 10m',
        metadata: { revision: `main@sha1:${commit}` },
      });
      expect(
        (await post('/promotion/flux-system/hook-kustomize/dev', body)).status,
      ).toBe(201);
    }
    const versions = (await rows('hook-kustomize')).map(r => r.version).sort();
    expect(versions).toEqual([
      'main@sha1:1111111111111111111111111111111111111111',
      'main@sha1:2222222222222222222222222222222222222222',
    ]);
  });

  it('rate limits a pipeline path with 429 and Retry-After, with no stack in the body', async () => {
    const statuses: number[] = [];
    let limited: any;
    for (let i = 0; i < 25; i++) {
      const res = await post(
        '/promotion/flux-system/no-such-pipeline/dev',
        helmEvent('1.0.0'),
      );
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses.filter(s => s === 404)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.error.name).toBe('TooManyRequestsError');
    expect(limited.body.error.stack).toBeUndefined();
  });
});
