import { Config } from '@backstage/config';

/** A management cluster the backend watches for Pipelines. Never sent to clients. */
export interface ManagementClusterConfig {
  name: string;
  url: string;
  serviceAccountToken?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
}

export interface ManagementClustersConfig {
  clusters: ManagementClusterConfig[];
  /** Used for entities without the cluster annotation. */
  defaultCluster?: string;
  /** Where the list came from, for the start-up log line. */
  source: 'pipelines.managementClusters' | 'kubernetes.clusterLocatorMethods' | 'none';
}

function readCluster(c: Config): ManagementClusterConfig {
  return {
    name: c.getString('name'),
    url: c.getString('url'),
    serviceAccountToken: c.getOptionalString('serviceAccountToken'),
    caData: c.getOptionalString('caData'),
    caFile: c.getOptionalString('caFile'),
    skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
  };
}

/**
 * Reads the management clusters from `pipelines.managementClusters`, or else from the
 * `config`-type entries of `kubernetes.clusterLocatorMethods` that the Kubernetes
 * plugin already uses. Throws on duplicate names or an unknown default.
 */
export function readManagementClusters(config: Config): ManagementClustersConfig {
  const own = config.getOptionalConfigArray('pipelines.managementClusters');
  let clusters: ManagementClusterConfig[];
  let source: ManagementClustersConfig['source'];
  if (own) {
    clusters = own.map(readCluster);
    source = 'pipelines.managementClusters';
  } else {
    const locators = config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
    clusters = locators
      .filter(l => l.getString('type') === 'config')
      .flatMap(l => l.getOptionalConfigArray('clusters') ?? [])
      .map(readCluster);
    source = clusters.length ? 'kubernetes.clusterLocatorMethods' : 'none';
  }
  const seen = new Set<string>();
  for (const c of clusters) {
    if (seen.has(c.name)) {
      throw new Error(`Duplicate management cluster name "${c.name}" in ${source}`);
    }
    seen.add(c.name);
  }
  const defaultCluster =
    config.getOptionalString('pipelines.defaultManagementCluster') ?? clusters[0]?.name;
  if (defaultCluster && !seen.has(defaultCluster)) {
    throw new Error(
      `pipelines.defaultManagementCluster "${defaultCluster}" is not one of the management clusters (${[...seen].join(', ') || 'none configured'})`,
    );
  }
  return { clusters, defaultCluster, source };
}
