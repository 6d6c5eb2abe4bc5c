import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { apply, Sandbox, waitUntil as until } from '@gitops-pipelines/sandbox';
import request from 'supertest';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(180_000);

/**
 * Promotions driven by real Flux events, the way Weave documents it: the Flux stand-in posts
 * helm-controller's events to the dev cluster's notification-controller, whose Alert sends them
 * to a Provider whose address is the pipeline's promotion webhook. A successful upgrade in dev
 * promotes into test; a failed one promotes nothing.
 */
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
    await apply(sandbox.clusters.dev.admin, [
      {
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Provider',
        metadata: { name: 'pipelines', namespace: ns },
        spec: { type: 'generic', address: hook },
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
