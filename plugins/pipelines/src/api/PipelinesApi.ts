import { createApiRef } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  EntityPipelinesResponse,
  PipelineListResponse,
} from '@gitops-pipelines/plugin-pipelines-common';

/** Client of the pipelines backend. @public */
export interface PipelinesApi {
  /** The pipelines an entity links to, with their state. */
  getEntityPipelines(entity: CompoundEntityRef): Promise<EntityPipelinesResponse>;
  /** Every pipeline the user may see, and the management clusters. */
  listPipelines(filter?: { cluster?: string; namespace?: string }): Promise<PipelineListResponse>;
}

/** @public */
export const pipelinesApiRef = createApiRef<PipelinesApi>({
  id: 'plugin.pipelines.service',
});
