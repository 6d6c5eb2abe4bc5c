import type { Entity } from '@backstage/catalog-model';
import type {
  LaneSummary,
  PipelineSummary,
} from '@gitops-pipelines/plugin-pipelines-common';

/** A pipeline summary with the given lanes. */
export const summary = (
  name: string,
  lanes: LaneSummary[],
  cluster = 'management',
): PipelineSummary => ({
  cluster,
  namespace: 'flux-system',
  name,
  environments: lanes.map(l => l.name),
  lanes,
  validationErrors: 0,
});
/** A Component linked to `flux-system/<pipeline>` (on `cluster`, when given). */
export const component = (
  name: string,
  pipeline: string,
  spec: Record<string, string>,
  cluster?: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'pipelines.weave.works/pipeline': `flux-system/${pipeline}`,
      ...(cluster ? { 'pipelines.weave.works/cluster': cluster } : {}),
    },
  },
  spec,
});
