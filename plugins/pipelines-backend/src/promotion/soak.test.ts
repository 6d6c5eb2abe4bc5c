import {
  apply,
  helmRelease,
  Sandbox,
  waitUntil as until,
} from '@gitops-pipelines/sandbox';
import type {
  PipelineDetail,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';
import { KubernetesObject } from '@kubernetes/client-node';
import request from 'supertest';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(150_000);

const SOAK_S = 6;
const base = '/api/pipelines/v1/pipelines/management/flux-system/soak-demo';

/**
 * Issue 16 §5 on the sandbox: a level-triggered pipeline with `pipelines.weave.works/soak:
 * stage=6s` promotes a new version out of stage only once stage has run it, Ready, for
 * 6 s — counted from the Ready transition the Flux stand-in writes, as helm-controller does.
 */
describe('soak time on the sandbox', () => {
  let sandbox: Sandbox;
  let server: any;

  const setVersion = (namespace: string, version: string) =>
    apply(sandbox.clusters.prod.admin, [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
      helmRelease(namespace, version),
    ]);
  const view = async () => {
    const res = await request(server).get(base);
    const d: PipelineDetail | undefined =
      res.status === 200 ? res.body : undefined;
    return d?.environments
      .map(
        e =>
          `${e.name}=${e.targets
            .map(t => `${t.health}@${t.version ?? '-'}`)
            .join(',')}`,
      )
      .join(' ');
  };
  const ledger = async (): Promise<PromotionRecord[]> =>
    (await request(server).get(`${base}/promotions`)).body.items ?? [];

  beforeAll(async () => {
    sandbox = await Sandbox.start({ fluxDelayMs: 200 });
    await setVersion('soak-stage', '3.0.0');
    await setVersion('soak-live', '3.0.0');
    const pipeline: KubernetesObject = {
      apiVersion: 'pipelines.weave.works/v1alpha1',
      kind: 'Pipeline',
      metadata: {
        name: 'soak-demo',
        namespace: 'flux-system',
        annotations: {
          'pipelines.weave.works/level-trigger': 'true',
          'pipelines.weave.works/soak': `stage=${SOAK_S}s`,
        },
      },
      spec: {
        appRef: {
          apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
          kind: 'HelmRelease',
          name: 'podinfo',
        },
        environments: ['stage', 'live'].map(name => ({
          name,
          targets: [
            {
              namespace: `soak-${name}`,
              clusterRef: {
                kind: 'GitopsCluster',
                name: 'prod',
                namespace: 'flux-system',
              },
            },
          ],
        })),
        promotion: { strategy: { notification: {} } },
      },
    } as KubernetesObject;
    await apply(sandbox.clusters.management.admin, [pipeline]);
    server = await startSandboxBackend(sandbox, {
      pipelines: {
        notificationController: {
          url: sandbox.notificationControllers.management.url,
        },
      },
    });
    await until(
      async () =>
        (await view()) === 'stage=ready@3.0.0 live=ready@3.0.0'
          ? true
          : undefined,
      'pipeline in cache',
      60_000,
    );
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('promotes a new version out of stage only after it has run there, Ready, for the soak time', async () => {
    await setVersion('soak-stage', '3.1.0');
    const ready = await until(async () => {
      const res = await request(server).get(base);
      const stage = res.body.environments?.[0]?.targets?.[0];
      return stage?.health === 'ready' && stage.version === '3.1.0'
        ? Date.parse(stage.lastTransitionTime)
        : undefined;
    }, 'stage Ready at 3.1.0');
    // Soaking: the level trigger leaves it alone, though the state calls for the promotion.
    await new Promise(resolve => setTimeout(resolve, (SOAK_S / 2) * 1000));
    expect(await ledger()).toEqual([]);
    const promotion = await until(
      async () => (await ledger()).find(r => r.version === '3.1.0'),
      'the level promotion',
      30_000,
    );
    expect(promotion).toMatchObject({
      toEnvironment: 'live',
      trigger: 'level',
      fromEnvironment: 'stage',
    });
    const waited = Date.parse(promotion.createdAt) - ready;
    expect(waited).toBeGreaterThanOrEqual(SOAK_S * 1000);
    expect(waited).toBeLessThan((SOAK_S + 5) * 1000);
  });
});
