import type {
  ManagementClusterInfo,
  PipelineDetail,
  PipelineKey,
  PipelineSummary,
} from '@gitops-pipelines/plugin-pipelines-common';

/**
 * Read access to pipeline state, served from memory. Routes use only this, so a page
 * view never calls Kubernetes.
 */
export interface PipelineStateReader {
  clusters(): ManagementClusterInfo[];
  listPipelines(filter: { cluster?: string; namespace?: string }): PipelineSummary[];
  getPipeline(key: PipelineKey): PipelineDetail | undefined;
}
