import { Sandbox } from '@gitops-pipelines/sandbox';
import { KubeConfig } from '@kubernetes/client-node';
import { eventReceiverUrl, promoteEvent, sendFluxEvent } from './fluxEventReceiver';
import { PromotionError } from './PromotionStrategy';

jest.setTimeout(120_000);

const event = promoteEvent({
  pipeline: { apiVersion: 'pipelines.weave.works/v1alpha1', kind: 'Pipeline', name: 'p', namespace: 'flux-system' },
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
    expect(eventReceiverUrl(kc)).toBe('https://k8s.example:6443/api/v1/namespaces/flux-system/services/http:notification-controller:80/proxy/');
    expect(eventReceiverUrl(kc, 'http://nc.example/')).toBe('http://nc.example/');
  });

  it("goes through the API server with the Backstage service account's credentials and the RBAC it needs", async () => {
    const sandbox = await Sandbox.start({ seed: false, fluxDelayMs: 100 });
    try {
      const m = sandbox.clusters.management;
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'm', server: m.url, caData: m.caData }],
        users: [{ name: 'backstage', token: sandbox.backstageToken }],
        contexts: [{ name: 'm', cluster: 'm', user: 'backstage' }],
        currentContext: 'm',
      });
      // The sandbox runs no notification-controller: the API server answers that the Service is not
      // found, so the path and the credentials were accepted (a missing permission is 403, bad
      // credentials 401). A real kube-apiserver does not proxy to loopback, hence no receiver here.
      const noService: PromotionError = await sendFluxEvent(event, { kubeConfig: kc }).then(() => undefined as any, e => e);
      expect(noService).toBeInstanceOf(PromotionError);
      expect(noService.retryable).toBe(true);
      expect(noService.message).toMatch(/^sending the Promote event to notification-controller: HTTP 404 .*services \\"notification-controller\\" not found/);
    } finally {
      await sandbox.stop();
    }
  });
});
