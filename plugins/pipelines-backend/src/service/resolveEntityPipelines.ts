import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  EntityPipelineEntry,
  EntityPipelinesResponse,
  getEntityPipelineCluster,
  getEntityPipelineRefs,
} from '@gitops-pipelines/plugin-pipelines-common';
import { PipelineStateReader } from '../state/PipelineStateReader';

/**
 * The pipelines an entity's annotations link to, each found, not found, or without
 * cluster data; never an empty answer for a non-empty annotation.
 */
export function resolveEntityPipelines(
  entity: Entity,
  state: PipelineStateReader,
  defaultCluster: string | undefined,
): EntityPipelinesResponse {
  const { refs, errors } = getEntityPipelineRefs(entity);
  const named = getEntityPipelineCluster(entity);
  const clusterName = named ?? defaultCluster;
  const clusters = state.clusters();
  const cluster = clusters.find(c => c.name === clusterName);

  const items = refs.map((ref): EntityPipelineEntry => {
    const key = { cluster: clusterName ?? '', ...ref };
    const label = `${ref.namespace}/${ref.name}`;
    if (!clusterName) {
      return {
        ref: key,
        state: 'not-found',
        message: `No management cluster is configured, so ${label} cannot be looked up. Configure pipelines.managementClusters or kubernetes.clusterLocatorMethods.`,
      };
    }
    if (!cluster) {
      return {
        ref: key,
        state: 'not-found',
        message: `Management cluster "${clusterName}" (from the pipelines.weave.works/cluster annotation) is not configured; known: ${
          clusters.map(c => c.name).join(', ') || 'none'
        }.`,
      };
    }
    const pipeline = state.getPipeline(key);
    if (pipeline) return { ref: key, state: 'found', pipeline };
    if (!cluster.connected) {
      return {
        ref: key,
        state: 'no-cluster-data',
        message: `No data from management cluster "${clusterName}" yet${
          cluster.error ? `: ${cluster.error}` : ''
        }.`,
      };
    }
    return {
      ref: key,
      state: 'not-found',
      message: `Pipeline ${label} does not exist on management cluster "${clusterName}".`,
    };
  });

  return {
    entityRef: stringifyEntityRef(entity),
    annotationErrors: errors,
    items,
  };
}
