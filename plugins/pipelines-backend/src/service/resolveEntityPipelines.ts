import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  EntityPipelineEntry,
  EntityPipelinesResponse,
  getEntityPipelineCluster,
  getEntityPipelineRefs,
} from '@gitops-pipelines/plugin-pipelines-common';
import { PipelineStateReader } from '../state/PipelineStateReader';
import type { PermissionChecks } from './requirePermission';

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

/**
 * {@link resolveEntityPipelines} as the caller may see it: a linked pipeline they may not
 * read on its own entity (`pipelines.weave.works/entity`) is answered as not found — the
 * entity's annotation links it for display but grants nothing — and each readable one
 * carries what the caller may do on it (`permissions`, the tab's verdicts).
 * @throws NotAllowedError when the policy lets the caller read no pipeline at all.
 */
export async function readableEntityPipelines(
  entity: Entity,
  credentials: BackstageCredentials,
  options: {
    state: PipelineStateReader;
    checks: PermissionChecks;
    defaultCluster: string | undefined;
  },
): Promise<EntityPipelinesResponse> {
  const { checks } = options;
  const linked = resolveEntityPipelines(
    entity,
    options.state,
    options.defaultCluster,
  );
  const found = linked.items.flatMap(i =>
    i.state === 'found' ? [i.pipeline] : [],
  );
  // 403 for a caller the policy lets read no pipeline at all, as the list does.
  const readable = await checks.filterReadable(credentials, found);
  const actions = await checks.actionsOn(credentials, readable);
  const verdicts = new Map(readable.map((p, i) => [p, actions[i]]));
  const items = linked.items.map((item): EntityPipelineEntry => {
    if (item.state !== 'found') return item;
    const permissions = verdicts.get(item.pipeline);
    if (permissions)
      return { ...item, pipeline: { ...item.pipeline, permissions } };
    return {
      ref: item.ref,
      state: 'not-found',
      message: `Pipeline ${item.ref.namespace}/${item.ref.name} on management cluster "${item.ref.cluster}" is not shown: you may not read it (permissions are decided on the entity the Pipeline names in pipelines.weave.works/entity, not on ${linked.entityRef}).`,
    };
  });
  return { ...linked, items };
}
