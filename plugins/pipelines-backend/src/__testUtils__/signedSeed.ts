import { apply, Sandbox, waitUntil } from '@gitops-pipelines/sandbox';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { createHmac } from 'crypto';
import request from 'supertest';

/** The key that signs the seed pipeline's webhooks in tests ({@link signSeedPipeline}). */
export const SEED_HMAC_KEY = 'seed-webhook-hmac-key';

/**
 * Only signed events promote (issue 22): gives the sandbox's seed Pipeline
 * flux-system/podinfo-02 a strategy `secretRef` to a Secret `promotion-hmac` holding `key`
 * as `hmac-key`, as the demo does. Call it before the backend starts.
 */
export async function signSeedPipeline(
  sandbox: Sandbox,
  key = SEED_HMAC_KEY,
): Promise<void> {
  const kc = sandbox.clusters.management.admin;
  await apply(kc, [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'promotion-hmac', namespace: 'flux-system' },
      stringData: { 'hmac-key': key },
    } as any,
  ]);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const pipeline: any = await objects.read({
    apiVersion: 'pipelines.weave.works/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'podinfo-02', namespace: 'flux-system' },
  });
  pipeline.spec.promotion.strategy.secretRef = { name: 'promotion-hmac' };
  await objects.replace(pipeline);
}

/**
 * POSTs a Flux event to a promotion webhook signed with `key`, as notification-controller's
 * generic-hmac Provider does, and retries while the backend answers 503 (still reading the
 * Secret), as notification-controller does.
 */
export async function postSignedEvent(
  server: any,
  path: string,
  event: object | string,
  key = SEED_HMAC_KEY,
) {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const signature = `sha256=${createHmac('sha256', key)
    .update(body)
    .digest('hex')}`;
  const send = () =>
    request(server)
      .post(path)
      .set('Content-Type', 'application/json')
      .set('X-Signature', signature)
      .send(body);
  const first = await send();
  if (first.status !== 503) return first;
  return waitUntil(
    async () => {
      const res = await send();
      return res.status === 503 ? undefined : res;
    },
    `${path} past its 503`,
    30_000,
    500,
  );
}
