import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  PIPELINE_GROUP,
  PIPELINE_PLURAL,
  PIPELINE_VERSION,
} from '@gitops-pipelines/plugin-pipelines-common';
import { PipelineCache } from './PipelineCache';

/**
 * Writes each Pipeline's computed `Ready` condition and observedGeneration back through
 * the status subresource, only where they differ from what is stored. Run by one replica
 * at a time (a global scheduled task), so replicas never fight over the status.
 */
export class StatusWriter {
  constructor(
    private readonly cache: PipelineCache,
    private readonly logger: LoggerService,
  ) {}

  /** One pass; returns how many statuses were written. */
  async run(): Promise<number> {
    let written = 0;
    for (const update of this.cache.statusUpdates()) {
      const api = update.kubeConfig.makeApiClient(CustomObjectsApi);
      try {
        await api.patchNamespacedCustomObjectStatus(
          {
            group: PIPELINE_GROUP,
            version: PIPELINE_VERSION,
            plural: PIPELINE_PLURAL,
            namespace: update.key.namespace,
            name: update.key.name,
            body: { status: update.status },
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        written++;
      } catch (e: any) {
        this.logger.warn(
          `Could not write the status of Pipeline ${update.key.namespace}/${
            update.key.name
          } on ${update.key.cluster}: HTTP ${e?.code ?? '?'}`,
        );
      }
    }
    if (written)
      this.logger.debug(`Wrote the status of ${written} Pipeline(s)`);
    return written;
  }
}
