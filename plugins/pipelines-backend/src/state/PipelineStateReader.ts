import type {
  ManagementClusterInfo,
  PipelineDetail,
  PipelineKey,
  PipelineSummary,
} from '@gitops-pipelines/plugin-pipelines-common';

/** Receives the pipelines whose state changed, and those that disappeared. */
export type PipelineChangeListener = (
  changed: PipelineDetail[],
  removed: PipelineKey[],
) => void;

/**
 * Read access to pipeline state, served from memory. Routes use only this, so a page
 * view never calls Kubernetes.
 */
export interface PipelineStateReader {
  clusters(): ManagementClusterInfo[];
  listPipelines(filter: {
    cluster?: string;
    namespace?: string;
  }): PipelineSummary[];
  getPipeline(key: PipelineKey): PipelineDetail | undefined;
  /** Returns an unsubscribe function. */
  subscribe(listener: PipelineChangeListener): () => void;
}
