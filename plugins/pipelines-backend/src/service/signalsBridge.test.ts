import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  eventsServiceFactory,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import { CustomObjectsApi } from '@kubernetes/client-node';
import {
  HELM_RELEASES,
  Sandbox,
  waitUntil as until,
} from '@gitops-pipelines/sandbox';
import request from 'supertest';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(180_000);

/**
 * The plugin's live updates as Backstage signals, seen where the signals backend picks them
 * up: the events service's `signals` topic (Backstage's own SignalsService publishes there),
 * received by another plugin of the same backend.
 */
describe('live updates as Backstage signals', () => {
  let sandbox: Sandbox;
  let server: any;
  const received: any[] = [];
  const probe = createBackendPlugin({
    pluginId: 'signalsprobe',
    register(env) {
      env.registerInit({
        deps: { events: eventsServiceRef },
        async init({ events }) {
          await events.subscribe({
            id: 'signalsprobe',
            topics: ['signals'],
            onEvent: async e => void received.push(e.eventPayload),
          });
        },
      });
    },
  });
  const base =
    '/api/pipelines/v1/pipelines/management/flux-system/podinfo-gated';

  beforeAll(async () => {
    sandbox = await Sandbox.start({ flux: false });
    // The real events service (the test backend's default is a mock that delivers nothing).
    server = await startSandboxBackend(sandbox, {
      features: [eventsServiceFactory, probe],
    });
    await until(
      async () =>
        (await request(server).get(base)).body.environments ? true : undefined,
      'pipeline in cache',
    );
  });
  afterAll(() => sandbox?.stop());

  it('says which pipelines changed, gathered, and which promotion, by uid only, on channel pipelines:events to every signed-in user', async () => {
    received.length = 0;
    // A status change of prod's HelmRelease: podinfo-02 and podinfo-gated read it.
    const api = sandbox.clusters.prod.admin.makeApiClient(CustomObjectsApi);
    const hr: any = await api.getNamespacedCustomObject({
      ...HELM_RELEASES,
      namespace: 'podinfo-02-prod',
      name: 'podinfo',
    });
    hr.status = {
      ...hr.status,
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'UpgradeFailed',
          message: 'signals test',
          lastTransitionTime: new Date().toISOString(),
        },
      ],
    };
    await api.replaceNamespacedCustomObjectStatus({
      ...HELM_RELEASES,
      namespace: 'podinfo-02-prod',
      name: 'podinfo',
      body: hr,
    });
    // Signals go to everyone: they name pipelines by the opaque uid readers get from the API.
    const uidOf = async (name: string) =>
      (
        await request(server).get(
          `/api/pipelines/v1/pipelines/management/flux-system/${name}`,
        )
      ).body.uid as string;
    const gated = await uidOf('podinfo-gated');
    const seed = await uidOf('podinfo-02');
    expect(gated).toMatch(/^[0-9a-f-]{36}$/);
    const changed = await until(
      () =>
        received.find(
          s =>
            s.message.type === 'pipelines-changed' &&
            s.message.uids?.includes(gated),
        ),
      'pipelines-changed signal',
    );
    expect(changed).toMatchObject({
      recipients: { type: 'broadcast' },
      channel: 'pipelines:events',
      message: { type: 'pipelines-changed' },
    });
    // Both pipelines that read the HelmRelease, in one signal.
    expect(changed.message.uids).toEqual(expect.arrayContaining([gated, seed]));

    const created = await request(server)
      .post(`${base}/promotions`)
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send({ environment: 'prod', version: '6.0.9' });
    expect(created.status).toBe(201);
    const promotion = await until(
      () =>
        received.find(
          s =>
            s.message.type === 'promotion-changed' && s.message.uid === gated,
        ),
      'promotion-changed signal',
    );
    expect(promotion.message).toEqual({
      type: 'promotion-changed',
      uid: gated,
    });
    // No names, versions, states, messages or people travel.
    expect(JSON.stringify(received)).not.toMatch(
      /podinfo|flux-system|signals test|6\.0\.9|waiting-approval|alice/,
    );
  });
});
