import {
  apply,
  NotificationControllerStandIn,
  Sandbox,
  waitUntil,
} from '@gitops-pipelines/sandbox';
import http from 'http';
import { KubeConfig } from '@kubernetes/client-node';
import {
  eventReceiverUrl,
  promoteEvent,
  sendFluxEvent,
} from './fluxEventReceiver';
import { PromotionError } from './PromotionStrategy';

jest.setTimeout(120_000);

const event = promoteEvent({
  pipeline: {
    apiVersion: 'pipelines.weave.works/v1alpha1',
    kind: 'Pipeline',
    name: 'p',
    namespace: 'flux-system',
  },
  environment: 'prod',
  version: '6.1.0',
  promotionId: 'id-1',
});

describe('the Flux event receiver', () => {
  it('is reached through the management API server service proxy unless a URL is configured', () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'm', server: 'https://k8s.example:6443/' }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'm', cluster: 'm', user: 'u' }],
      currentContext: 'm',
    });
    expect(eventReceiverUrl(kc)).toBe(
      'https://k8s.example:6443/api/v1/namespaces/flux-system/services/http:notification-controller:80/proxy/',
    );
    expect(eventReceiverUrl(kc, 'http://nc.example/')).toBe(
      'http://nc.example/',
    );
  });

  it("goes through the API server with the Backstage service account's credentials and the RBAC it needs", async () => {
    const sandbox = await Sandbox.start({ seed: false, fluxDelayMs: 100 });
    try {
      const m = sandbox.clusters.management;
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'm', server: m.url, caData: m.caData }],
        users: [{ name: 'backstage', token: sandbox.pipelinesToken }],
        contexts: [{ name: 'm', cluster: 'm', user: 'backstage' }],
        currentContext: 'm',
      });
      // The sandbox runs no notification-controller: the API server answers that the Service is not
      // found, so the path and the credentials were accepted (a missing permission is 403, bad
      // credentials 401). A real kube-apiserver does not proxy to loopback, hence no receiver here.
      const noService: PromotionError = await sendFluxEvent(event, {
        kubeConfig: kc,
      }).then(
        () => undefined as any,
        e => e,
      );
      expect(noService).toBeInstanceOf(PromotionError);
      expect(noService.retryable).toBe(true);
      expect(noService.message).toMatch(
        /^sending the Promote event to notification-controller: HTTP 404 .*services \\"notification-controller\\" not found/,
      );
    } finally {
      await sandbox.stop();
    }
  });

  it("arrives at a Flux Alert's generic provider with the environment and version, through notification-controller", async () => {
    const sandbox = await Sandbox.start({ seed: false, fluxDelayMs: 100 });
    const received: any[] = [];
    const provider = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>(resolve =>
      provider.listen(0, '127.0.0.1', resolve),
    );
    const nc = new NotificationControllerStandIn(
      sandbox.clusters.management.admin,
    );
    await nc.start();
    try {
      await apply(sandbox.clusters.management.admin, [
        {
          apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
          kind: 'Provider',
          metadata: { name: 'promotions', namespace: 'flux-system' },
          spec: {
            type: 'generic',
            address: `http://127.0.0.1:${(provider.address() as any).port}/`,
          },
        },
        {
          apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
          kind: 'Alert',
          metadata: { name: 'promotions', namespace: 'flux-system' },
          spec: {
            providerRef: { name: 'promotions' },
            eventSeverity: 'info',
            eventSources: [{ kind: 'Pipeline', name: '*' }],
          },
        },
      ] as any);
      const m = sandbox.clusters.management;
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'm', server: m.url, caData: m.caData }],
        users: [{ name: 'u', token: sandbox.pipelinesToken }],
        contexts: [{ name: 'm', cluster: 'm', user: 'u' }],
        currentContext: 'm',
      });
      expect(await sendFluxEvent(event, { kubeConfig: kc, url: nc.url })).toBe(
        'notification-controller',
      );
      const got = await waitUntil(
        () => received[0],
        'the provider received the Promote event',
      );
      expect(got).toMatchObject({
        involvedObject: {
          kind: 'Pipeline',
          name: 'p',
          namespace: 'flux-system',
        },
        reason: 'Promote',
        severity: 'info',
        metadata: {
          environment: 'prod',
          version: '6.1.0',
          'promotion-id': 'id-1',
        },
      });
    } finally {
      await nc.stop();
      provider.close();
      await sandbox.stop();
    }
  });
});
