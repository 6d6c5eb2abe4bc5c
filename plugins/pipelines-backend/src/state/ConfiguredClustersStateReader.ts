import type {
  ManagementClusterInfo,
  PipelineDetail,
  PipelineSummary,
} from '@gitops-pipelines/plugin-pipelines-common';
import { ManagementClusterConfig } from '../config/readManagementClusters';
import { PipelineStateReader } from './PipelineStateReader';

/**
 * The state reader until the watch cache exists: it knows the configured management
 * clusters and reports that no data has been received from them, so the API and the
 * tab say "no cluster data yet" instead of showing an empty pipeline.
 */
export class ConfiguredClustersStateReader implements PipelineStateReader {
  constructor(private readonly configured: ManagementClusterConfig[]) {}

  clusters(): ManagementClusterInfo[] {
    return this.configured.map(c => ({
      name: c.name,
      connected: false,
      error: 'not connected',
    }));
  }

  listPipelines(): PipelineSummary[] {
    return [];
  }

  getPipeline(): PipelineDetail | undefined {
    return undefined;
  }
}
