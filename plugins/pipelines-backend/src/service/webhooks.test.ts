import { TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { apply, Sandbox, waitUntil as until } from '@gitops-pipelines/sandbox';
import request from 'supertest';
import {
  APPROVAL_KEY,
  HMAC_KEY,
  helmEvent,
  hookPipeline,
  sign,
  webhooksCondition,
} from '../__testUtils__/hookPipelines';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

/*
 * Issues 11 §1 and 22 §2, each input as a test, through the real plugin (default settings:
 * signatures required) against the sandbox's kube-apiservers: the webhooks decide status
 * codes and whether a ledger row exists (the rows' states are the engine's business and are
 * not asserted here).
 */

jest.setTimeout(180_000);

const WEBHOOK_CONFIG = {
  approval: true,
  rateLimit: { requests: 20, windowSeconds: 10 },
};

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
describe('issues 11 §1 and 22 §2: webhooks against the sandbox', () => {
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
        stringData: {
          'hmac-key': HMAC_KEY,
          'approval-hmac-key': APPROVAL_KEY,
        },
      } as any,
      hookPipeline('hook-signed', { signed: true }) as any,
      hookPipeline('hook-unsigned', { signed: false }) as any,
      hookPipeline('hook-kustomize', {
        signed: true,
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
    // the HMAC Secret reaches the watch cache (a signed failure event: 401 until then, 200 ignored after)
    await until(
      async () => {
        const body = helmEvent('0.0.1', {
          severity: 'error',
          reason: 'UpgradeFailed',
        });
        return (
          (
            await post(
              '/promotion/flux-system/hook-signed/dev',
              body,
              sign(body),
            )
          ).status === 200
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

  it('a pipeline without secretRef: its promotion and approval webhooks answer the generic 401 and record nothing', async () => {
    const approval = JSON.stringify({
      namespace: 'flux-system',
      name: 'hook-unsigned',
      environment: 'test',
      revision: '6.1.0',
      timestamp: Date.now() / 1000,
    });
    const attempts = [
      post(
        '/promotion/flux-system/hook-unsigned/test',
        helmEvent('6.1.0', { namespace: 'hook-unsigned-qa' }),
      ),
      post('/approval/flux-system/hook-unsigned/test/6.1.0', ''),
      post('/approval/flux-system/hook-unsigned/test/6.1.0', approval),
      post(
        '/approval/flux-system/hook-unsigned/test/6.1.0',
        approval,
        sign(approval, APPROVAL_KEY),
      ),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(401);
      expect(res.body.error.message).toMatch(
        /^Unauthorized: the request is not signed for this pipeline/,
      );
    }
    expect(await rows('hook-unsigned')).toEqual([]);
    // its detail (and the tab) says why; a signed pipeline's does not
    expect(await webhooksCondition(server, 'hook-unsigned')).toMatchObject({
      status: 'False',
      reason: 'WebhookKeyMissing',
      message: expect.stringContaining(
        'Webhooks for "dev" are refused: the promotion strategy into "test" has no secretRef',
      ),
    });
    expect(await webhooksCondition(server, 'hook-signed')).toBeUndefined();
  });

  it('text/plain with a foreign Origin (a CORS simple request) is refused with 415 and records nothing', async () => {
    const body = helmEvent('6.0.9');
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await request(server)
        .post('/api/pipelines/promotion/flux-system/hook-signed/dev')
        .set('Content-Type', type)
        .set('Origin', 'https://attacker.example')
        .set('X-Signature', sign(body))
        .send(body);
      expect(res.status).toBe(415);
    }
    expect(
      (await rows('hook-signed')).filter(r => r.version === '6.0.9'),
    ).toEqual([]);
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
          sign(forOther, APPROVAL_KEY),
        )
      ).status,
    ).toBe(422);
    // the promotion key does not approve
    const withPromotionKey = approval();
    expect(
      (
        await post(
          '/approval/flux-system/hook-signed/test/6.3.0',
          withPromotionKey,
          sign(withPromotionKey),
        )
      ).status,
    ).toBe(401);
    expect(
      (await rows('hook-signed')).find(r => r.id === row.id).approvals,
    ).toEqual([]);
    const body = approval({ reason: 'smoke tests green' });
    const ok = await post(
      '/approval/flux-system/hook-signed/test/6.3.0',
      body,
      sign(body, APPROVAL_KEY),
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
          sign(again, APPROVAL_KEY),
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
        (
          await post(
            '/promotion/flux-system/hook-kustomize/dev',
            body,
            sign(body),
          )
        ).status,
      ).toBe(201);
    }
    const versions = (await rows('hook-kustomize')).map(r => r.version).sort();
    expect(versions).toEqual([
      'main@sha1:1111111111111111111111111111111111111111',
      'main@sha1:2222222222222222222222222222222222222222',
    ]);
  });

  it('a replayed signed event produces nothing new', async () => {
    const body = helmEvent('6.7.0');
    const path = '/promotion/flux-system/hook-signed/dev';
    expect((await post(path, body, sign(body))).status).toBe(201);
    const replay = await post(path, body, sign(body));
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ ignored: 'already delivered' });
    expect(
      (await rows('hook-signed')).filter(r => r.version === '6.7.0'),
    ).toHaveLength(1);
  });

  it('a flood of junk gets 401 then 429 with Retry-After and no stack; the next signed event still promotes', async () => {
    // a fresh window: the tests above were refused a few times too
    await new Promise(r =>
      setTimeout(r, (WEBHOOK_CONFIG.rateLimit.windowSeconds + 0.5) * 1000),
    );
    const statuses: number[] = [];
    let limited: any;
    for (let i = 0; i < 25; i++) {
      const res = await post(
        i % 2
          ? '/promotion/flux-system/no-such-pipeline/dev'
          : '/promotion/flux-system/hook-signed/dev',
        helmEvent('1.0.0'),
        i % 3 ? undefined : 'sha256=00',
      );
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.error.name).toBe('TooManyRequestsError');
    expect(limited.body.error.stack).toBeUndefined();
    const body = helmEvent('6.8.0');
    expect(
      (await post('/promotion/flux-system/hook-signed/dev', body, sign(body)))
        .status,
    ).toBe(201);
  });
});
