/**
 * GitOps Pipelines frontend plugin: the Pipeline tab on catalog entities.
 *
 * @packageDocumentation
 */

export { pipelinesPlugin, EntityPipelinesContent } from './plugin';
export { pipelinesApiRef } from './api/PipelinesApi';
export type { PipelinesApi } from './api/PipelinesApi';
export { PipelinesClient } from './api/PipelinesClient';
export {
  isPipelinesAvailable,
  ANNOTATION_PIPELINE,
  ANNOTATION_CLUSTER,
} from '@gitops-pipelines/plugin-pipelines-common';
