import { CustomObjectsApi } from '@kubernetes/client-node';
import { PIPELINE_CAPS } from '@gitops-pipelines/plugin-pipelines-common';
import { Sandbox, waitUntil as until } from '@gitops-pipelines/sandbox';
import { startSandboxPipelineCache } from '../__testUtils__/sandboxPipelineCache';
import type { PipelineCache } from './PipelineCache';

jest.setTimeout(120_000);

const PIPELINES = {
  group: 'pipelines.weave.works',
  version: 'v1alpha1',
  plural: 'pipelines',
};

/** A Pipeline of Kustomizations with `environments` environments, each a target on dev. */
function kustomizationPipeline(name: string, environments: number) {
  return {
    apiVersion: 'pipelines.weave.works/v1alpha1',
    kind: 'Pipeline',
    metadata: { name, namespace: 'flux-system' },
    spec: {
      appRef: {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        name: 'app',
      },
      environments: Array.from({ length: environments }, (_, i) => ({
        name: `env-${i}`,
        targets: [
          {
            namespace: `ns-${i}`,
            clusterRef: { kind: 'GitopsCluster', name: 'dev' },
          },
        ],
      })),
    },
  };
}

describe('PipelineCache and invalid Pipelines', () => {
  let sandbox: Sandbox;
  let cache: PipelineCache;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ fluxDelayMs: 100 });
    cache = startSandboxPipelineCache(sandbox);
  });

  afterAll(async () => {
    await cache?.stop();
    await sandbox?.stop();
  });

  const kustomizationWatches = () =>
    (
      cache as unknown as {
        targets: { objectCounts(): Array<{ kind: string }> };
      }
    ).targets
      .objectCounts()
      .filter(c => c.kind === 'Kustomization').length;

  it('starts no watch for a Pipeline over the caps, and starts it once the Pipeline is valid', async () => {
    const api =
      sandbox.clusters.management.admin.makeApiClient(CustomObjectsApi);
    const over = PIPELINE_CAPS.environments + 1;
    await api.createNamespacedCustomObject({
      ...PIPELINES,
      namespace: 'flux-system',
      body: kustomizationPipeline('too-many', over),
    });
    const key = {
      cluster: 'management',
      namespace: 'flux-system',
      name: 'too-many',
    };
    const invalid = await until(
      () =>
        cache.getPipeline(key)?.conditions[0]?.reason === 'InvalidSpec'
          ? cache.getPipeline(key)
          : undefined,
      'InvalidSpec',
    );
    expect(invalid.conditions[0].message).toMatch(/environments/);
    expect(kustomizationWatches()).toBe(0);

    // the control: the same Pipeline within the caps watches its app kind on dev
    await api.createNamespacedCustomObject({
      ...PIPELINES,
      namespace: 'flux-system',
      body: kustomizationPipeline('within', 2),
    });
    await until(() => kustomizationWatches() === 1, 'watching dev');
  });
});
