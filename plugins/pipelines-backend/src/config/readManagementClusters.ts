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
  /**
   * GitopsClusters (`namespace/name`) whose credentials come from a cluster configured
   * in Backstage (`kubernetes.clusterLocatorMethods`, type config) instead of a Secret.
   */
  gitopsClusterMappings: Map<string, ManagementClusterConfig>;
  /** Used for entities without the cluster annotation. */
  defaultCluster?: string;
  /** Where the list came from, for the start-up log line. */
  source:
    | 'pipelines.managementClusters'
    | 'kubernetes.clusterLocatorMethods'
    | 'none';
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
export function readManagementClusters(
  config: Config,
): ManagementClustersConfig {
  const own = config.getOptionalConfigArray('pipelines.managementClusters');
  let clusters: ManagementClusterConfig[];
  let source: ManagementClustersConfig['source'];
  const kubernetesClusters = (
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? []
  )
    .filter(l => l.getString('type') === 'config')
    .flatMap(l => l.getOptionalConfigArray('clusters') ?? [])
    .map(readCluster);
  if (own) {
    clusters = own.map(readCluster);
    source = 'pipelines.managementClusters';
  } else {
    clusters = kubernetesClusters;
    source = clusters.length ? 'kubernetes.clusterLocatorMethods' : 'none';
  }
  const gitopsClusterMappings = new Map<string, ManagementClusterConfig>();
  for (const mapping of config.getOptionalConfigArray(
    'pipelines.gitopsClusterMappings',
  ) ?? []) {
    const gitopsCluster = mapping.getString('gitopsCluster');
    const target = mapping.getString('cluster');
    const cluster = kubernetesClusters.find(c => c.name === target);
    if (!/^[^/\s]+\/[^/\s]+$/.test(gitopsCluster)) {
      throw new Error(
        `pipelines.gitopsClusterMappings: "${gitopsCluster}" is not namespace/name of a GitopsCluster`,
      );
    }
    if (!cluster) {
      throw new Error(
        `pipelines.gitopsClusterMappings: "${gitopsCluster}" maps to "${target}", which is not a cluster of kubernetes.clusterLocatorMethods (type config)`,
      );
    }
    gitopsClusterMappings.set(gitopsCluster, cluster);
  }
  const seen = new Set<string>();
  for (const c of clusters) {
    if (seen.has(c.name)) {
      throw new Error(
        `Duplicate management cluster name "${c.name}" in ${source}`,
      );
    }
    seen.add(c.name);
  }
  const defaultCluster =
    config.getOptionalString('pipelines.defaultManagementCluster') ??
    clusters[0]?.name;
  if (defaultCluster && !seen.has(defaultCluster)) {
    throw new Error(
      `pipelines.defaultManagementCluster "${defaultCluster}" is not one of the management clusters (${
        [...seen].join(', ') || 'none configured'
      })`,
    );
  }
  return { clusters, defaultCluster, source, gitopsClusterMappings };
}

/**
 * Logged at start when the management clusters come from the Kubernetes plugin's config: the
 * pipelines backend then uses the Kubernetes plugin's tokens, where each should have its own.
 */
export const SHARED_ACCOUNT_WARNING =
  "Management clusters come from kubernetes.clusterLocatorMethods: the pipelines backend uses the Kubernetes plugin's tokens. Give it its own account in pipelines.managementClusters (manifests/rbac-management-cluster.yaml and rbac-pipelines-namespace.yaml) and the Kubernetes plugin the one of rbac-kubernetes-plugin.yaml: never share them, as the Kubernetes proxy lets every signed-in user read what its account reads, and the pipelines account reads Secrets";

/** The start-up warnings of the management clusters' configuration. */
export function managementClusterWarnings(
  clusters: ManagementClustersConfig,
): string[] {
  const warnings =
    clusters.source === 'kubernetes.clusterLocatorMethods'
      ? [SHARED_ACCOUNT_WARNING]
      : [];
  for (const c of clusters.clusters.filter(x => x.skipTLSVerify)) {
    warnings.push(
      `Management cluster "${c.name}" is configured with skipTLSVerify: its API server's certificate is not checked (tests only; give caData or caFile instead)`,
    );
  }
  return warnings;
}
