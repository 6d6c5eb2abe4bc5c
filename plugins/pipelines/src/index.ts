/**
 * GitOps Pipelines frontend plugin: the Pipeline tab on catalog entities.
 *
 * @packageDocumentation
 */

export {
  pipelinesPlugin,
  EntityPipelinesContent,
  EntityPipelinesCard,
  PipelinesPage,
  EntityReleaseMatrixCard,
} from './plugin';
export { PipelinesIcon } from './components/ReleaseMatrix/PipelinesIcon';
export { pipelinesApiRef } from './api/PipelinesApi';
export type {
  PipelinesApi,
  PipelineEvent,
  PipelineEventsStatus,
} from './api/PipelinesApi';
export { PipelinesClient } from './api/PipelinesClient';
export {
  isPipelinesAvailable,
  ANNOTATION_PIPELINE,
  ANNOTATION_CLUSTER,
} from '@gitops-pipelines/plugin-pipelines-common';
