export interface Config {
  /** Configuration of the GitOps Pipelines backend plugin. */
  pipelines?: {
    /**
     * Management clusters: where Pipeline and GitopsCluster objects live. When unset,
     * the clusters of `kubernetes.clusterLocatorMethods` (type `config`) are used.
     */
    managementClusters?: Array<{
      /** Name, as used in API paths and the `pipelines.weave.works/cluster` annotation. */
      name: string;
      /** URL of the Kubernetes API server. */
      url: string;
      /**
       * Bearer token of a service account allowed to read Pipelines, GitopsClusters
       * and their kubeconfig Secrets.
       * @visibility secret
       */
      serviceAccountToken?: string;
      /**
       * PEM-encoded CA of the API server, base64-encoded.
       * @visibility secret
       */
      caData?: string;
      /** Path to a CA file instead of caData. */
      caFile?: string;
      /** Do not verify the API server's certificate (tests only). */
      skipTLSVerify?: boolean;
    }>;
    /**
     * The management cluster used for entities without the
     * `pipelines.weave.works/cluster` annotation. Defaults to the first one.
     */
    defaultManagementCluster?: string;
    /**
     * Write each Pipeline's Ready condition and observedGeneration back to its status
     * (as pipeline-controller does). One replica at a time does it. Default true; turn it
     * off when pipeline-controller still runs on the cluster.
     */
    writeStatus?: boolean;
    /**
     * For organisations that keep cluster credentials in Backstage config rather than in
     * kubeconfig Secrets: targets on these GitopsClusters use the URL and token of a
     * cluster of `kubernetes.clusterLocatorMethods` (type config). The GitopsCluster must
     * still exist (and be Ready).
     */
    /**
     * Level-triggered promotions: when every target of an environment is Ready at a
     * version and the next environment does not run it (nor anything newer), request
     * its promotion. Default true.
     */
    levelTriggers?: boolean;
    /**
     * Where the pull-request strategy keeps its clones (one per repository, fetched
     * incrementally). Default: a folder in the system's temporary directory.
     */
    repositoryCacheDir?: string;
    gitopsClusterMappings?: Array<{
      /** The GitopsCluster, `namespace/name`. */
      gitopsCluster: string;
      /** The name of a cluster in `kubernetes.clusterLocatorMethods` (type config). */
      cluster: string;
    }>;
  };
}
