import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { createHmac } from 'crypto';
import { apply, Sandbox, waitUntil as until } from '@gitops-pipelines/sandbox';
import request from 'supertest';
import { signSeedPipeline } from '../__testUtils__/signedSeed';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(180_000);

/**
 * Promotions driven by real Flux events, the way Weave documents it: the Flux stand-in posts
 * helm-controller's events to the dev cluster's notification-controller, whose Alert sends them
 * to a `generic-hmac` Provider whose address is the pipeline's promotion webhook, signed with
 * the key that the Pipeline's strategy Secret holds as `hmac-key`. A successful upgrade in dev
 * promotes into test; a failed one promotes nothing.
 */
const HMAC_KEY = 'flux-events-hmac-key';
describe('promotions from Flux events through notification-controller', () => {
  let sandbox: Sandbox;
  let server: any;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ fluxDelayMs: 100 });
    server = await startSandboxBackend(sandbox, {
      permission: AuthorizeResult.ALLOW,
    });
    await new Promise<void>(resolve =>
      server.listening ? resolve() : server.on('listening', resolve),
    );
    const hook = `http://127.0.0.1:${
      server.address().port
    }/api/pipelines/promotion/flux-system/podinfo-02/dev`;
    const ns = 'podinfo-02-dev';
    // management cluster: the seed's podinfo-02 signs its webhooks
    await signSeedPipeline(sandbox, HMAC_KEY);
    await apply(sandbox.clusters.dev.admin, [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'pipelines-webhook', namespace: ns },
        stringData: { token: HMAC_KEY, address: hook },
      },
      {
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Provider',
        metadata: { name: 'pipelines', namespace: ns },
        spec: {
          type: 'generic-hmac',
          secretRef: { name: 'pipelines-webhook' },
        },
      },
      {
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Alert',
        metadata: { name: 'promote-from-dev', namespace: ns },
        spec: {
          providerRef: { name: 'pipelines' },
          eventSeverity: 'info',
          eventSources: [{ kind: 'HelmRelease', name: 'podinfo' }],
        },
      },
    ] as any);
    await until(
      async () =>
        (
          await request(server).get(
            '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02',
          )
        ).status === 200
          ? true
          : undefined,
      'pipeline',
    );
    // the key reaches the watch cache: a signed failure event is ignored (401 before)
    const probe = JSON.stringify({
      involvedObject: {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        name: 'podinfo',
        namespace: ns,
      },
      severity: 'error',
      reason: 'UpgradeFailed',
      message: 'probe',
      metadata: { revision: '0.0.0' },
    });
    const signature = `sha256=${createHmac('sha256', HMAC_KEY)
      .update(probe)
      .digest('hex')}`;
    await until(
      async () =>
        (
          await request(server)
            .post('/api/pipelines/promotion/flux-system/podinfo-02/dev')
            .set('Content-Type', 'application/json')
            .set('X-Signature', signature)
            .send(probe)
        ).status === 200
          ? true
          : undefined,
      'hmac-key in the cache',
    );
  });
  afterAll(() => sandbox?.stop());

  const ledger = async () =>
    (
      await request(server).get(
        '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02/promotions?limit=100',
      )
    ).body.items as any[];
  const upgradeDev = async (version: string) => {
    const api = sandbox.clusters.dev.admin.makeApiClient(CustomObjectsApi);
    const gvr = {
      group: 'helm.toolkit.fluxcd.io',
      version: 'v2beta1',
      namespace: 'podinfo-02-dev',
      plural: 'helmreleases',
      name: 'podinfo',
    };
    await until(async () => {
      const hr: any = await api.getNamespacedCustomObject(gvr);
      hr.spec.chart.spec.version = version;
      await api.replaceNamespacedCustomObject({ ...gvr, body: hr });
      return true;
    }, `dev at ${version}`);
  };
  const forwarded = () => sandbox.notificationControllers.dev.forwarded;

  it('promotes into test when helm-controller reports an upgrade of dev', async () => {
    await upgradeDev('6.1.1');
    const row = await until(
      async () => (await ledger()).find(r => r.version === '6.1.1'),
      'promotion of 6.1.1',
    );
    expect(row).toMatchObject({
      trigger: 'webhook',
      fromEnvironment: 'dev',
      toEnvironment: 'test',
      requestedBy: 'webhook:flux-system/podinfo-02',
    });
    expect(
      forwarded().some(
        f => f.provider === 'podinfo-02-dev/pipelines' && f.status === 201,
      ),
    ).toBe(true);
  });

  it('promotes nothing when helm-controller reports a failed upgrade', async () => {
    sandbox.flux.setFailure(
      'dev',
      'HelmRelease',
      'podinfo-02-dev',
      'podinfo',
      'Helm upgrade failed: image pull back-off',
    );
    const before = forwarded().length;
    await upgradeDev('6.1.2');
    // The failure event went all the way to the webhook, which answered "ignored".
    await until(
      () =>
        forwarded()
          .slice(before)
          .some(f => f.status === 200)
          ? true
          : undefined,
      'failure event delivered',
    );
    expect((await ledger()).filter(r => r.version === '6.1.2')).toEqual([]);
    sandbox.flux.setFailure(
      'dev',
      'HelmRelease',
      'podinfo-02-dev',
      'podinfo',
      undefined,
    );
  });
});
