import { mockServices } from '@backstage/backend-test-utils';
import type { Sandbox } from '@gitops-pipelines/sandbox';
import { PipelineCache } from '../cache/PipelineCache';

/**
 * A started {@link PipelineCache} on the sandbox's management cluster, with the pipelines
 * backend's own account and a 20 ms debounce; the caller stops it.
 */
export function startSandboxPipelineCache(sandbox: Sandbox): PipelineCache {
  const m = sandbox.clusters.management;
  const cache = new PipelineCache({
    clusters: [
      {
        name: 'management',
        url: m.url,
        serviceAccountToken: sandbox.pipelinesToken,
        caData: m.caData,
        skipTLSVerify: false,
      },
    ],
    logger: mockServices.logger.mock(),
    debounceMs: 20,
  });
  cache.start();
  return cache;
}
