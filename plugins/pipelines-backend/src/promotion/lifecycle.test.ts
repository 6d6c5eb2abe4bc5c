import { metricsServiceFactory } from '@backstage/backend-defaults/alpha';
import { mockCredentials } from '@backstage/backend-test-utils';
import { metrics } from '@opentelemetry/api';
import {
  PrometheusExporter,
  PrometheusSerializer,
} from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { Sandbox, waitUntil as until } from '@gitops-pipelines/sandbox';
import { Octokit } from 'octokit';
import request from 'supertest';
import { postSignedEvent, signSeedPipeline } from '../__testUtils__/signedSeed';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(240_000);

/**
 * A promotion's whole life on the sandbox, through the REST API: webhook → pull request →
 * merged through the forge's API → the GitOps stand-in applies main → the Flux stand-in
 * rolls the targets out → `deployed`, with its timeline; a closed PR cancels; a Flux
 * failure fails with Flux's message and a retry deploys; a rollback holds the environment.
 */
describe('promotion lifecycle on the sandbox', () => {
  let sandbox: Sandbox;
  let server: any;
  const base = '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02';
  const alice = mockCredentials.user.header('user:default/alice');

  // Backstage's real MetricsService over an OpenTelemetry SDK, read as Prometheus would.
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  const scrape = async () =>
    new PrometheusSerializer().serialize(
      (await exporter.collect()).resourceMetrics,
    );

  beforeAll(async () => {
    metrics.setGlobalMeterProvider(meterProvider);
    sandbox = await Sandbox.start({ fluxDelayMs: 100 });
    await signSeedPipeline(sandbox);
    server = await startSandboxBackend(sandbox, {
      features: [metricsServiceFactory],
      pipelines: {
        pullRequestPolling: {
          minInterval: { milliseconds: 300 },
          maxInterval: { seconds: 1 },
        },
      },
    });
    await until(
      async () =>
        (
          await request(server).get(base)
        ).body.environments?.[1]?.targets?.every(
          (t: any) => t.health === 'ready',
        )
          ? true
          : undefined,
      'pipeline in cache',
    );
  });
  afterAll(async () => {
    await meterProvider.shutdown();
    await sandbox?.stop();
  });

  const octokit = () =>
    new Octokit({
      auth: sandbox.forgeUser!.token,
      baseUrl: `${sandbox.forge!.url}/api/v3`,
    });
  const repo = { owner: 'my-org', repo: 'my-app-repo' };
  const promotion = async (id: string) =>
    (await request(server).get(`/api/pipelines/v1/promotions/${id}`)).body;
  const inState = async (id: string, ...states: string[]) => {
    let last: any;
    return until(async () => {
      last = await promotion(id);
      return states.includes(last.state) ? last : undefined;
    }, `${id} ${states.join('|')}`).catch(e => {
      throw new Error(`${e.message}; last seen: ${JSON.stringify(last)}`);
    });
  };
  /** Asks the Flux stand-in to reconcile the test targets again (as `flux reconcile` does, by annotation). */
  const reconcileTest = async () => {
    const api = sandbox.clusters.dev.admin.makeApiClient(CustomObjectsApi);
    for (const namespace of ['podinfo-02-qa', 'podinfo-02-perf']) {
      const gvr = {
        group: 'helm.toolkit.fluxcd.io',
        version: 'v2beta1',
        namespace,
        plural: 'helmreleases',
        name: 'podinfo',
      };
      // The Flux stand-in writes status concurrently: on a conflict (409), read again and retry.
      await until(async () => {
        const hr: any = await api.getNamespacedCustomObject(gvr);
        hr.metadata.annotations = {
          ...hr.metadata.annotations,
          'reconcile.fluxcd.io/requestedAt': new Date().toISOString(),
        };
        await api.replaceNamespacedCustomObject({ ...gvr, body: hr });
        return true;
      }, `reconcile request for ${namespace}`);
    }
  };
  const webhook = (version: string) =>
    postSignedEvent(
      server,
      '/api/pipelines/promotion/flux-system/podinfo-02/dev',
      {
        involvedObject: {
          kind: 'HelmRelease',
          name: 'podinfo',
          namespace: 'podinfo-02-dev',
        },
        severity: 'info',
        reason: 'UpgradeSucceeded',
        message: 'Helm upgrade succeeded',
        metadata: { revision: version },
      },
    );
  const testVersions = async () =>
    (await request(server).get(base)).body.environments[1].targets.map(
      (t: any) => `${t.health}:${t.version}`,
    );

  it('follows a webhook promotion from its pull request to deployed, with a timeline', async () => {
    const created = await webhook('6.2.0');
    expect(created.status).toBe(201);
    const open = await inState(created.body.id, 'awaiting-merge');
    expect(open.pullRequestNumber).toBeGreaterThan(0);
    const merged = Date.now();
    await octokit().rest.pulls.merge({
      ...repo,
      pull_number: open.pullRequestNumber,
    });
    const deployed = await inState(created.body.id, 'deployed');
    const latency = Date.now() - merged;
    process.stdout.write(`PR merge → deployed: ${latency} ms\n`);
    expect(deployed).toMatchObject({
      mergedBy: sandbox.forgeUser!.username,
      deployedAt: expect.any(String),
      endedAt: expect.any(String),
    });
    const types = deployed.events.map((e: any) => e.type);
    expect(types.slice(0, 4)).toEqual([
      'requested',
      'started',
      'pull-request-opened',
      'pull-request-merged',
    ]);
    expect(types.filter((t: string) => t === 'target-ready')).toHaveLength(2);
    expect(types[types.length - 1]).toBe('deployed');
    expect(await testVersions()).toEqual(['ready:6.2.0', 'ready:6.2.0']);
    // The metrics saw it all: each state once, the request → deployed time, the forge's calls.
    const text = await scrape();
    const scope = 'otel_scope_name="backstage-plugin-pipelines"';
    for (const state of [
      'queued',
      'running',
      'awaiting-merge',
      'rolling-out',
      'deployed',
    ]) {
      expect(text).toContain(
        `pipelines_promotions_total{state="${state}",trigger="webhook",${scope}} 1`,
      );
    }
    expect(text).toContain(
      `pipelines_promotion_duration_count{trigger="webhook",${scope}} 1`,
    );
    expect(text).toContain(
      `pipelines_forge_requests_total{forge="github",operation="create",outcome="ok",${scope}} 1`,
    );
    expect(text).toMatch(
      /pipelines_forge_requests_total\{forge="github",operation="get",outcome="ok",.*\} [1-9]/,
    );
    expect(text).toMatch(
      /pipelines_forge_rate_limit_remaining\{forge="github",.*\} \d+/,
    );
    expect(text).toMatch(
      /pipelines_watch_events_total\{cluster="management",kind="Pipeline",type="add",.*\} [1-9]/,
    );
    expect(text).toContain(
      `pipelines_cache_objects{cluster="management",kind="Pipeline",${scope}} 2`,
    );
    expect(text).toMatch(
      /pipelines_cache_recompute_duration_count\{scope="partial",.*\} [1-9]/,
    );
    // A later request for the same version would change nothing: test runs it, Ready.
    const again = await request(server)
      .post(`${base}/promotions`)
      .set('Authorization', alice)
      .send({ environment: 'test', version: '6.2.0' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(
      'test already runs 6.2.0 on every target: a promotion that changes nothing is not a deployment',
    );
  });

  it('cancels when the pull request is closed without merging', async () => {
    const created = await webhook('6.3.0');
    const open = await inState(created.body.id, 'awaiting-merge');
    await octokit().rest.pulls.update({
      ...repo,
      pull_number: open.pullRequestNumber,
      state: 'closed',
    });
    const cancelled = await inState(created.body.id, 'cancelled');
    expect(cancelled.events.pop()).toMatchObject({
      type: 'pull-request-closed',
      message: `Pull request #${open.pullRequestNumber} was closed without merging`,
    });
  });

  it("fails with Flux's message when the version fails to roll out, and a retry deploys it", async () => {
    for (const ns of ['podinfo-02-qa', 'podinfo-02-perf'])
      sandbox.flux.setFailure(
        'dev',
        'HelmRelease',
        ns,
        'podinfo',
        'Helm upgrade failed: image pull back-off',
      );
    const created = await webhook('6.4.0');
    const open = await inState(created.body.id, 'awaiting-merge');
    await octokit().rest.pulls.merge({
      ...repo,
      pull_number: open.pullRequestNumber,
    });
    const failed = await inState(created.body.id, 'failed');
    expect(failed.error).toMatch(
      /failed at 6\.4\.0: Helm upgrade failed: image pull back-off$/,
    );
    for (const ns of ['podinfo-02-qa', 'podinfo-02-perf'])
      sandbox.flux.setFailure('dev', 'HelmRelease', ns, 'podinfo', undefined);
    await reconcileTest();
    const retry = await request(server)
      .post(`/api/pipelines/v1/promotions/${created.body.id}/retry`)
      .set('Authorization', alice)
      .send({});
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({
      retryOf: created.body.id,
      version: '6.4.0',
    });
    // main already has 6.4.0: no pull request, the targets recover at the version and it deploys.
    await inState(retry.body.id, 'deployed');
  });

  it('rolls back to a version deployed before, holds the environment until released, and refuses an older version otherwise', async () => {
    // test runs 6.4.0: going back is a rollback's, not a request's.
    const refused = await request(server)
      .post(`${base}/promotions`)
      .set('Authorization', alice)
      .send({ environment: 'test', version: '6.1.5' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      'test runs 6.4.0, newer than 6.1.5: only a rollback goes back (Roll back to 6.1.5, which also holds test)',
    );
    const older = await request(server)
      .post(`${base}/promotions`)
      .set('Authorization', alice)
      .send({ environment: 'test', version: '6.5.0' });
    expect(older.status).toBe(201);
    const newer = await request(server)
      .post(`${base}/promotions`)
      .set('Authorization', alice)
      .send({ environment: 'test', version: '6.9.0' });
    await inState(newer.body.id, 'awaiting-merge');
    expect((await promotion(older.body.id)).state).toBe('superseded');
    const backwards = await request(server)
      .post(`${base}/promotions`)
      .set('Authorization', alice)
      .send({ environment: 'test', version: '6.8.0' });
    expect(backwards.status).toBe(409);
    expect(backwards.body.error.message).toBe(
      '6.9.0 is already being promoted into "test" (awaiting-merge); an older version replaces it only by a rollback',
    );
    const cancel = await request(server)
      .post(`/api/pipelines/v1/promotions/${newer.body.id}/cancel`)
      .set('Authorization', alice)
      .send({ reason: 'not today' });
    expect(cancel.body.state).toBe('cancelled');
    expect(
      sandbox
        .forge!.listPulls('my-org', 'my-app-repo')
        .find(p => p.number === cancel.body.pullRequestNumber)?.state,
    ).toBe('closed');

    const notDeployed = await request(server)
      .post(`${base}/rollback`)
      .set('Authorization', alice)
      .send({ environment: 'test', version: '1.0.0' });
    expect(notDeployed.status).toBe(400);
    expect(notDeployed.body.error.message).toMatch(
      /^1\.0\.0 was never deployed into "test"; versions deployed there: /,
    );
    const rollback = await request(server)
      .post(`${base}/rollback`)
      .set('Authorization', alice)
      .send({ environment: 'test', version: '6.2.0', reason: 'bad release' });
    expect(rollback.status).toBe(201);
    expect(rollback.body.trigger).toBe('rollback');
    const holds = (await request(server).get(`${base}/holds`)).body.items;
    expect(holds).toMatchObject([
      {
        environment: 'test',
        heldBy: 'user:default/alice',
        reason: 'rollback to 6.2.0: bad release',
        promotionId: rollback.body.id,
      },
    ]);
    const held = await webhook('7.0.0');
    expect(held.status).toBe(409);
    expect(held.body.error.message).toBe(
      '"test" is held by user:default/alice (rollback to 6.2.0: bad release): no automatic promotion until it is released',
    );
    const released = await request(server)
      .delete(`${base}/holds/test`)
      .set('Authorization', alice);
    expect(released.status).toBe(200);
    expect((await request(server).get(`${base}/holds`)).body.items).toEqual([]);
    expect((await webhook('7.0.0')).status).toBe(201);
  });

  it('counts the series above in the delivery metrics: 2 deployments into test, 1 failure, 1 rollback', async () => {
    const { body } = await request(server).get(`${base}/metrics?window=1d`);
    const test = body.environments.find((e: any) => e.environment === 'test');
    // 6.2.0 (webhook), 6.4.0's retry; 6.4.0 failed; the rollback to 6.2.0 is still open.
    expect(test).toMatchObject({
      deployments: 2,
      failures: 1,
      rollbacks: 1,
      changeFailureRate: 1,
    });
    expect(test.leadTime.count).toBe(2);
    expect(test.timeToRestore.count).toBe(1); // the failure → its retry's deployment; the rollback is not deployed
    const sum = (k: string) =>
      body.daily.reduce((n: number, d: any) => n + d[k], 0); // one day, or two around midnight
    expect([
      sum('deployments'),
      sum('failures'),
      new Set(body.daily.map((d: any) => d.environment)),
    ]).toEqual([2, 1, new Set(['test'])]);
  });
});
