import { Config } from '@backstage/config';
import os from 'os';
import path from 'path';
import {
  ManagementClustersConfig,
  readManagementClusters,
} from './readManagementClusters';
import {
  readClusterSettings,
  TargetClusterSettings,
} from './readClusterSettings';
import {
  PromotionSettings,
  readPromotionSettings,
} from './readPromotionSettings';

/** Everything the plugin reads from its config (`pipelines.*`, and the Kubernetes plugin's clusters), typed, with defaults. */
export interface PipelinesConfig {
  /** The management clusters and GitopsCluster mappings (see readManagementClusters). */
  clusters: ManagementClustersConfig;
  /** How far a Pipeline's targets may reach: `pipelines.clusters.*` (see readClusterSettings). */
  targetClusters: TargetClusterSettings;
  promotion: PromotionSettings;
  /** `pipelines.writeStatus`, default true: write each Pipeline's Ready condition back. */
  writeStatus: boolean;
  /** `pipelines.repositoryCacheDir`, default `<tmp>/gitops-pipelines-repos`. */
  repositoryCacheDir: string;
  /** notification-controller's receiver for a management cluster: `clusters.<name>.url`, else `url`, else undefined (the service proxy). */
  notificationControllerUrl(cluster: string): string | undefined;
}

/**
 * Reads the plugin's config once, at start-up, so that `plugin.ts` only wires.
 * @throws when a value has the wrong type or range, naming the key.
 */
export function readPipelinesConfig(config: Config): PipelinesConfig {
  return {
    clusters: readManagementClusters(config),
    targetClusters: readClusterSettings(config),
    promotion: readPromotionSettings(config),
    writeStatus: config.getOptionalBoolean('pipelines.writeStatus') ?? true,
    repositoryCacheDir:
      config.getOptionalString('pipelines.repositoryCacheDir') ??
      path.join(os.tmpdir(), 'gitops-pipelines-repos'),
    notificationControllerUrl: cluster =>
      config.getOptionalString(
        `pipelines.notificationController.clusters.${cluster}.url`,
      ) ?? config.getOptionalString('pipelines.notificationController.url'),
  };
}
