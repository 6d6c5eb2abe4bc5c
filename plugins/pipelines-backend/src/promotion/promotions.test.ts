import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CoreV1Api } from '@kubernetes/client-node';
import { apply, Sandbox, waitUntil as until } from '@gitops-pipelines/sandbox';
import { createHmac } from 'crypto';
import http from 'http';
import request from 'supertest';
import { signSeedPipeline } from '../__testUtils__/signedSeed';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const HMAC_KEY = 'webhook-secret';
const ref = (env: string) => ({
  kind: 'GitopsCluster',
  name: env === 'prod' ? 'prod' : 'dev',
  namespace: 'flux-system',
});

/** A pipeline promoted by notification events, prod behind a manual approval, webhooks signed. */
const notifyPipeline = {
  apiVersion: 'pipelines.weave.works/v1alpha1',
  kind: 'Pipeline',
  metadata: { name: 'podinfo-notify', namespace: 'flux-system' },
  spec: {
    appRef: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
      kind: 'HelmRelease',
      name: 'podinfo',
    },
    environments: [
      {
        name: 'dev',
        targets: [{ namespace: 'podinfo-02-dev', clusterRef: ref('dev') }],
      },
      {
        name: 'test',
        targets: [{ namespace: 'podinfo-02-qa', clusterRef: ref('dev') }],
      },
      {
        name: 'prod',
        targets: [{ namespace: 'podinfo-02-prod', clusterRef: ref('prod') }],
        promotion: {
          manual: true,
          strategy: { notification: {}, secretRef: { name: 'promotion-hmac' } },
        },
      },
    ],
    promotion: {
      strategy: { notification: {}, secretRef: { name: 'promotion-hmac' } },
    },
  },
};

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'podinfo',
    namespace: 'default',
    annotations: {
      'pipelines.weave.works/pipeline': 'flux-system/podinfo-notify',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'guests' },
};

const sign = (body: string) =>
  `sha256=${createHmac('sha256', HMAC_KEY).update(body).digest('hex')}`;
const fluxEvent = (revision: string) =>
  JSON.stringify({
    involvedObject: {
      kind: 'HelmRelease',
      name: 'podinfo',
      namespace: 'podinfo-02-dev',
    },
    severity: 'info',
    reason: 'UpgradeSucceeded',
    message: 'Helm upgrade succeeded',
    metadata: { revision },
    reportingController: 'helm-controller',
  });

describe('promotions against the sandbox', () => {
  let sandbox: Sandbox;
  /** notification-controller's event receiver, as the notification strategy reaches it. */
  let receiver: http.Server;
  const received: any[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        received.push({
          method: req.method,
          contentType: req.headers['content-type'],
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>(resolve =>
      receiver.listen(0, '127.0.0.1', resolve),
    );
    sandbox = await Sandbox.start({ fluxDelayMs: 100 });
    await apply(sandbox.clusters.management.admin, [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'promotion-hmac', namespace: 'flux-system' },
        stringData: { 'hmac-key': HMAC_KEY },
      } as any,
      notifyPipeline as any,
    ]);
    // only signed events promote: the seed's podinfo-02 signs with the same Secret
    await signSeedPipeline(sandbox, HMAC_KEY);
  });
  afterAll(async () => {
    receiver?.close();
    await sandbox?.stop();
  });

  const promoteEvents = async () => {
    const events = await sandbox.clusters.management.admin
      .makeApiClient(CoreV1Api)
      .listNamespacedEvent({
        namespace: 'flux-system',
        fieldSelector: 'reason=Promote',
      });
    return events.items.filter(e => e.involvedObject.name === 'podinfo-notify');
  };

  describe.each(databases.eachSupportedId())('with %s', databaseId => {
    async function start(
      permission:
        | AuthorizeResult.ALLOW
        | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
    ) {
      const knex = await databases.init(databaseId);
      const server = await startSandboxBackend(sandbox, {
        knex,
        permission,
        entities: [entity],
        pipelines: {
          // these tests request promotions themselves; gitopsLoop.test.ts covers level triggers
          levelTriggers: false,
          // 100 concurrent duplicates must all be answered, not rate-limited
          webhooks: { rateLimit: { requests: 1000 } },
          notificationController: {
            url: `http://127.0.0.1:${(receiver.address() as any).port}/`,
          },
        },
      });
      // the watch cache must have the pipeline and its HMAC Secret (reads are denied too under DENY)
      await until(async () => {
        const res = await request(server).get(
          '/api/pipelines/v1/pipelines/management/flux-system/podinfo-notify',
        );
        return (
          res.status === (permission === AuthorizeResult.ALLOW ? 200 : 403)
        );
      }, 'pipeline in cache');
      await new Promise(r => setTimeout(r, 300));
      return server;
    }

    const history = (server: any) =>
      request(server).get(
        '/api/pipelines/v1/pipelines/management/flux-system/podinfo-notify/promotions?limit=100',
      );

    it('promotes on a signed webhook, once for 100 concurrent duplicates, with one Promote event', async () => {
      const server = await start();
      const version = `7.0.${databaseId === 'SQLITE_3' ? 1 : 2}`;
      const body = fluxEvent(`${version}@sha256:0123456789abcdef`);
      const responses = await Promise.all(
        Array.from({ length: 100 }, () =>
          request(server)
            .post('/api/pipelines/promotion/flux-system/podinfo-notify/dev')
            .set('Content-Type', 'application/json')
            .set('X-Signature', sign(body))
            .send(body),
        ),
      );
      expect(responses.map(r => r.status).filter(s => s === 201)).toHaveLength(
        1,
      );
      expect(responses.every(r => r.status === 201 || r.status === 200)).toBe(
        true,
      );
      const rows = (await history(server)).body.items.filter(
        (r: any) => r.version === version,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        fromEnvironment: 'dev',
        toEnvironment: 'test',
        trigger: 'webhook',
        requestedBy: 'webhook:flux-system/podinfo-notify',
      });
      const done = await until(async () => {
        const r = (await history(server)).body.items.find(
          (x: any) => x.version === version,
        );
        // Delivered: the notification strategy's promotion now waits for the environment to roll out.
        return r?.state === 'rolling-out' ? r : undefined;
      }, 'notification delivered');
      expect(done.attempts).toBe(1);
      const events = (await promoteEvents()).filter(
        e =>
          e.metadata?.annotations?.['pipelines.weave.works/version'] ===
          version,
      );
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        reason: 'Promote',
        type: 'Normal',
        message: `Promote version ${version} to environment test`,
        involvedObject: {
          kind: 'Pipeline',
          name: 'podinfo-notify',
          namespace: 'flux-system',
        },
      });
      expect(
        events[0].metadata?.annotations?.['pipelines.weave.works/environment'],
      ).toBe('test');
      // notification-controller's receiver got the event Flux's controllers would send.
      const delivered = received.filter(
        r => r.body.metadata?.['pipelines.weave.works/version'] === version,
      );
      expect(delivered).toHaveLength(1);
      expect(delivered[0]).toMatchObject({
        method: 'POST',
        contentType: 'application/json',
        body: {
          involvedObject: {
            apiVersion: 'pipelines.weave.works/v1alpha1',
            kind: 'Pipeline',
            name: 'podinfo-notify',
            namespace: 'flux-system',
          },
          severity: 'info',
          reason: 'Promote',
          message: `Promote version ${version} to environment test`,
          metadata: {
            'pipelines.weave.works/environment': 'test',
            'pipelines.weave.works/version': version,
          },
          reportingController: 'backstage-pipelines',
        },
      });
      expect(delivered[0].body.timestamp).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
    });

    it('refuses bad webhooks with a clear 4xx and records nothing', async () => {
      const server = await start();
      const before = (await history(server)).body.totalCount;
      const body = fluxEvent('8.0.0');
      const post = (path: string, b: string, signature?: string) => {
        const r = request(server)
          .post(`/api/pipelines${path}`)
          .set('Content-Type', 'application/json');
        return (signature ? r.set('X-Signature', signature) : r).send(b);
      };
      const badSignature = await post(
        '/promotion/flux-system/podinfo-notify/dev',
        body,
        sign(`${body} `),
      );
      expect(badSignature.status).toBe(401);
      expect(badSignature.body.error.name).toBe('AuthenticationError');
      expect(
        (await post('/promotion/flux-system/podinfo-notify/dev', body)).status,
      ).toBe(401);
      const unknown = await post(
        '/promotion/flux-system/nope/dev',
        body,
        sign(body),
      );
      // unauthenticated: the same answer as a bad signature (no such pipeline here)
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual(
        expect.objectContaining({ error: badSignature.body.error }),
      );
      const malformed = await post(
        '/promotion/flux-system/podinfo-notify/dev',
        '{"metadata":{}}',
        sign('{"metadata":{}}'),
      );
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.message).toMatch(
        /^Not a Flux event: metadata.revision/,
      );
      const notJson = await post(
        '/promotion/flux-system/podinfo-notify/dev',
        'revision=1',
        sign('revision=1'),
      );
      expect(notJson.status).toBe(400);
      const big = JSON.stringify({
        metadata: { revision: '9.0.0' },
        message: 'x'.repeat(70 * 1024),
      });
      expect(
        (
          await post(
            '/promotion/flux-system/podinfo-notify/dev',
            big,
            sign(big),
          )
        ).status,
      ).toBe(413);
      const last = await post(
        '/promotion/flux-system/podinfo-notify/prod',
        body,
        sign(body),
      );
      // the last environment promotes into nothing, so no key signs it: the generic 401
      expect(last.status).toBe(401);
      expect(last.body.error).toEqual(badSignature.body.error);
      expect((await history(server)).body.totalCount).toBe(before);
    });

    it('waits for approval: the requester cannot approve, someone else can, and it is recorded', async () => {
      const server = await start();
      const version = `6.5.${databaseId === 'SQLITE_3' ? 1 : 2}`;
      const alice = mockCredentials.user('user:default/alice');
      const bob = mockCredentials.user('user:default/bob');
      const created = await request(server)
        .post(
          '/api/pipelines/v1/pipelines/management/flux-system/podinfo-notify/promotions',
        )
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send({
          environment: 'prod',
          version,
        });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        state: 'waiting-approval',
        requestedBy: alice.principal.userEntityRef,
        trigger: 'user',
        fromEnvironment: 'test',
      });
      const self = await request(server)
        .post(`/api/pipelines/v1/promotions/${created.body.id}/approve`)
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send({});
      expect(self.status).toBe(403);
      expect(self.body.error.message).toBe(
        'You requested this promotion: someone else must approve or reject it',
      );
      const approved = await request(server)
        .post(`/api/pipelines/v1/promotions/${created.body.id}/approve`)
        .set('Authorization', mockCredentials.user.header('user:default/bob'))
        .send({
          reason: 'tested in test',
        });
      expect(approved.status).toBe(200);
      expect(approved.body.approvals).toMatchObject([
        {
          by: bob.principal.userEntityRef,
          decision: 'approved',
          reason: 'tested in test',
        },
      ]);
      await until(async () => {
        const r = (await history(server)).body.items.find(
          (x: any) => x.id === created.body.id,
        );
        return r?.state === 'rolling-out';
      }, 'approved promotion delivered');
      const again = await request(server)
        .post(`/api/pipelines/v1/promotions/${created.body.id}/reject`)
        .set('Authorization', mockCredentials.user.header('user:default/bob'))
        .send({});
      expect(again.status).toBe(409);
    });

    it('rejects, and a newer waiting version supersedes an older one', async () => {
      const server = await start();
      // newer than prod runs (6.0.0): an older version would be a rollback's
      const base = databaseId === 'SQLITE_3' ? '7.1' : '7.2';
      const ask = (version: string) =>
        request(server)
          .post(
            '/api/pipelines/v1/pipelines/management/flux-system/podinfo-notify/promotions',
          )
          .set(
            'Authorization',
            mockCredentials.user.header('user:default/alice'),
          )
          .send({ environment: 'prod', version });
      const older = (await ask(`${base}.0`)).body;
      const newer = (await ask(`${base}.1`)).body;
      const rows = (await history(server)).body.items;
      expect(rows.find((r: any) => r.id === older.id).state).toBe('superseded');
      const rejected = await request(server)
        .post(`/api/pipelines/v1/promotions/${newer.id}/reject`)
        .set('Authorization', mockCredentials.user.header('user:default/bob'))
        .send({ reason: 'not now' });
      expect(rejected.body).toMatchObject({
        state: 'rejected',
        approvals: [{ decision: 'rejected', reason: 'not now' }],
      });
    });

    it('needs the permissions', async () => {
      const server = await start(AuthorizeResult.DENY);
      const res = await request(server)
        .post(
          '/api/pipelines/v1/pipelines/management/flux-system/podinfo-notify/promotions',
        )
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send({ environment: 'test', version: '1.0.0' });
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
      const unauthenticated = await request(server)
        .post(
          '/api/pipelines/v1/pipelines/management/flux-system/podinfo-notify/promotions',
        )
        .set('Authorization', mockCredentials.none.header())
        .send({ environment: 'test', version: '1.0.0' });
      expect(unauthenticated.status).toBe(401);
    });

    it('opens a pull request on the sandbox forge (GitHub API) for a webhook, editing the marked field', async () => {
      const server = await start();
      const version = databaseId === 'SQLITE_3' ? '6.1.1' : '6.1.2';
      const body = fluxEvent(version);
      // podinfo-02 signs with promotion-hmac (signSeedPipeline)
      const pullsBefore = sandbox.forge!.listPulls(
        'my-org',
        'my-app-repo',
      ).length;
      const responses = await Promise.all(
        Array.from({ length: 100 }, () =>
          request(server)
            .post('/api/pipelines/promotion/flux-system/podinfo-02/dev')
            .set('Content-Type', 'application/json')
            .set('X-Signature', sign(body))
            .send(body),
        ),
      );
      expect(responses.filter(r => r.status === 201)).toHaveLength(1);
      const res = responses.find(r => r.status === 201)!;
      const done = await until(async () => {
        const h = await request(server).get(
          '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02/promotions',
        );
        const r = h.body.items.find((x: any) => x.id === res.body.id);
        return r && !['queued', 'running'].includes(r.state) ? r : undefined;
      }, 'pull request promotion');
      expect(done).toMatchObject({
        state: 'awaiting-merge',
        strategy: 'pull-request',
        toEnvironment: 'test',
      });
      expect(done.pullRequestUrl).toMatch(
        new RegExp(`^${sandbox.repositoryUrl}/pull/\\d+$`),
      );
      const pr = sandbox
        .forge!.listPulls('my-org', 'my-app-repo')
        .find(p => done.pullRequestUrl.endsWith(`/pull/${p.number}`))!;
      expect(pr).toMatchObject({
        state: 'open',
        head: 'promotion-flux-system-podinfo-02-test',
        title: `Promote flux-system/podinfo-02 in test to ${version}`,
      });
      for (const ns of ['podinfo-02-qa', 'podinfo-02-perf']) {
        const file = await sandbox.forge!.readFile(
          'my-org',
          'my-app-repo',
          pr.head,
          `clusters/dev/${ns}/podinfo.yaml`,
        );
        expect(file).toContain(
          `version: ${version} # {"$promotion": "flux-system:podinfo-02:test"}`,
        );
      }
      const dev = await sandbox.forge!.readFile(
        'my-org',
        'my-app-repo',
        pr.head,
        'clusters/dev/podinfo-02-dev/podinfo.yaml',
      );
      expect(dev).toContain(
        'version: 6.1.0 # {"$promotion": "flux-system:podinfo-02:dev"}',
      );
      // one pull request for the 100 duplicates (the first database's run opens it, the second updates it)
      expect(
        sandbox.forge!.listPulls('my-org', 'my-app-repo').length - pullsBefore,
      ).toBeLessThanOrEqual(1);
    });

    it.each([
      [
        'gitlab',
        (forge: string, owner: string) => `${forge}/${owner}/apps`,
        /\/-\/merge_requests\/\d+$/,
      ],
      [
        'bitbucket-server',
        (forge: string, owner: string) => `${forge}/scm/${owner}/apps.git`,
        /\/projects\/[^/]+\/repos\/apps\/pull-requests\/\d+$/,
      ],
    ])(
      'opens a %s pull request for a webhook, editing the marked field',
      async (type, repoUrl, expected) => {
        const suffix = databaseId === 'SQLITE_3' ? 'a' : 'b';
        const name = `podinfo-${type === 'gitlab' ? 'gl' : 'bb'}-${suffix}`;
        const owner = `${type === 'gitlab' ? 'glorg' : 'BB'}${suffix}`;
        const file = (version: string) =>
          `spec:\n  chart:\n    spec:\n      version: ${version} # {"$promotion": "flux-system:${name}:test"}\n`;
        await sandbox.forge!.createRepo(owner, 'apps', {
          'apps/test.yaml': file('1.0.0'),
        });
        const pipeline: any = structuredClone(notifyPipeline);
        pipeline.metadata.name = name;
        delete pipeline.spec.environments[2].promotion;
        pipeline.spec.promotion = {
          strategy: {
            'pull-request': {
              type,
              url: (repoUrl as any)(sandbox.forge!.url, owner),
              baseBranch: 'main',
              secretRef: { name: 'github-credentials' },
            },
            // the webhook's key
            secretRef: { name: 'promotion-hmac' },
          },
        };
        await apply(sandbox.clusters.management.admin, [pipeline]);
        const server = await start();
        await until(
          async () =>
            (
              await request(server).get(
                `/api/pipelines/v1/pipelines/management/flux-system/${name}`,
              )
            ).status === 200,
          'pipeline',
        );
        // newer than test runs (6.0.1): the webhook never moves it backwards
        const event = fluxEvent('7.0.0');
        const res = await request(server)
          .post(`/api/pipelines/promotion/flux-system/${name}/dev`)
          .set('Content-Type', 'application/json')
          .set('X-Signature', sign(event))
          .send(event);
        expect(res.status).toBe(201);
        const done = await until(async () => {
          const h = await request(server).get(
            `/api/pipelines/v1/pipelines/management/flux-system/${name}/promotions`,
          );
          const r = h.body.items.find((x: any) => x.id === res.body.id);
          return r && !['queued', 'running'].includes(r.state) ? r : undefined;
        }, `${type} promotion`);
        // The error, if any, is part of what is compared: a failure says why.
        expect({
          state: done.state,
          toEnvironment: done.toEnvironment,
          error: done.error,
        }).toEqual({
          state: 'awaiting-merge',
          toEnvironment: 'test',
          error: undefined,
        });
        expect(done.pullRequestUrl).toMatch(expected as RegExp);
        const [pr] = sandbox.forge!.listPulls(owner, 'apps');
        expect(pr).toMatchObject({
          state: 'open',
          head: `promotion-flux-system-${name}-test`,
          title: `Promote flux-system/${name} in test to 7.0.0`,
        });
        expect(
          await sandbox.forge!.readFile(
            owner,
            'apps',
            pr.head,
            'apps/test.yaml',
          ),
        ).toBe(file('7.0.0').trimEnd());
      },
    );
  });
});
