/**
 * GitOps Pipelines frontend plugin: the Pipeline tab on catalog entities.
 *
 * @packageDocumentation
 */

export { pipelinesPlugin, EntityPipelinesContent, EntityPipelinesCard } from './plugin';
export { pipelinesApiRef } from './api/PipelinesApi';
export type { PipelinesApi, PipelineEvent, PipelineEventsStatus } from './api/PipelinesApi';
export { PipelinesClient } from './api/PipelinesClient';
export {
  isPipelinesAvailable,
  ANNOTATION_PIPELINE,
  ANNOTATION_CLUSTER,
} from '@gitops-pipelines/plugin-pipelines-common';
