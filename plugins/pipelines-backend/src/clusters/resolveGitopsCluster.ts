import {
  CONDITION_READY,
  Target,
  TargetState,
} from '@gitops-pipelines/plugin-pipelines-common';
import { ManagementClusterConfig } from '../config/readManagementClusters';
import { TargetClusterSettings } from '../config/readClusterSettings';
import { ManagementWatchers } from '../watch/ManagementWatchers';
import { kubeconfigSecretData } from './kubeConfigs';

/** Why a target has no connection, as its state. */
export type TargetFailure = Omit<TargetState, 'namespace' | 'clusterRef'>;

/** Where a target's `clusterRef` leads: a cluster from config, a kubeconfig Secret, or a failure. */
export type GitopsClusterRoute =
  | { kind: 'failed'; state: TargetFailure }
  | { kind: 'mapped'; display: string; config: ManagementClusterConfig }
  | {
      kind: 'secret';
      display: string;
      /** `namespace/name` of the Secret. */
      secret: string;
      /** Identifies this version of the Secret (for the fingerprint cache). */
      version: string;
      /** The base64 kubeconfig. */
      encoded: string;
    };

/**
 * The namespace of the GitopsCluster a target names, or `{ refused }` when it is another
 * namespace than the Pipeline's and `allowCrossNamespaceRefs` is off (Flux's
 * `--no-cross-namespace-refs`). The rule holds for every route behind the GitopsCluster —
 * its Secret, its Cluster API Secret and a `gitopsClusterMappings` entry — since all of them
 * are reached through it.
 */
export function gitopsClusterNamespace(
  pipelineNamespace: string | undefined,
  target: Target,
  settings: TargetClusterSettings,
): { namespace: string } | { refused: string } {
  const own = pipelineNamespace ?? 'default';
  const named = target.clusterRef?.namespace;
  if (!named || named === own || settings.allowCrossNamespaceRefs)
    return { namespace: named ?? own };
  return {
    refused: `clusterRef.namespace "${named}" is not the Pipeline's namespace "${own}": references to GitopsClusters in other namespaces are refused (an administrator can allow them with pipelines.clusters.allowCrossNamespaceRefs)`,
  };
}

/**
 * Follows a target's `clusterRef` on a management cluster: the GitopsCluster (in the
 * Pipeline's namespace unless allowed otherwise; its `Ready` and Weave's
 * `ClusterConnectivity` conditions), then a cluster mapped in config or the kubeconfig
 * Secret (`secretRef`, or Cluster API's `<name>-kubeconfig`, in the GitopsCluster's own
 * namespace; keys as `kubeConfigs.ts` reads them).
 */
export function resolveGitopsCluster(options: {
  m: ManagementWatchers;
  pipelineNamespace: string | undefined;
  target: Target;
  settings: TargetClusterSettings;
  mappings?: Map<string, ManagementClusterConfig>;
}): GitopsClusterRoute {
  const { m, target } = options;
  const name = target.clusterRef!.name;
  const scope = gitopsClusterNamespace(
    options.pipelineNamespace,
    target,
    options.settings,
  );
  const display = `${
    target.clusterRef!.namespace ?? options.pipelineNamespace ?? 'default'
  }/${name}`;
  const failed = (
    health: 'cluster-not-found' | 'cluster-not-ready',
    message: string,
  ): GitopsClusterRoute => ({
    kind: 'failed',
    state: { cluster: display, health, appFound: false, message },
  });
  if ('refused' in scope) return failed('cluster-not-found', scope.refused);
  const ns = scope.namespace;
  if (!m.gitopsClusters.synced)
    return failed(
      'cluster-not-ready',
      m.gitopsClusters.error ?? 'connecting to the management cluster',
    );
  const gc = m.gitopsClusters.get(name, ns);
  if (!gc)
    return failed('cluster-not-found', `GitopsCluster ${display} not found`);
  const ready = gc.status?.conditions?.find(c => c.type === CONDITION_READY);
  if (ready && ready.status !== 'True') {
    return failed(
      'cluster-not-ready',
      `GitopsCluster ${display} is not ready${
        ready.message ? `: ${ready.message}` : ''
      }`,
    );
  }
  // Weave GitOps' cluster controller reports whether it can reach the cluster.
  const connectivity = gc.status?.conditions?.find(
    c => c.type === 'ClusterConnectivity',
  );
  if (connectivity?.status === 'False') {
    return failed(
      'cluster-not-ready',
      `GitopsCluster ${display} cannot be reached${
        connectivity.message ? `: ${connectivity.message}` : ''
      }`,
    );
  }
  const mapped = options.mappings?.get(display);
  if (mapped) return { kind: 'mapped', display, config: mapped };
  // secretRef is a LocalObjectReference: the Secret is always in the GitopsCluster's namespace.
  const secretName =
    gc.spec?.secretRef?.name ??
    (gc.spec?.capiClusterRef?.name
      ? `${gc.spec.capiClusterRef.name}-kubeconfig`
      : undefined);
  if (!secretName)
    return failed(
      'cluster-not-ready',
      `GitopsCluster ${display} has neither secretRef nor capiClusterRef`,
    );
  const secrets = m.secretsIn(ns);
  if (!secrets?.synced)
    return failed(
      'cluster-not-ready',
      secrets?.error
        ? `cannot read Secrets in ${ns}: ${secrets.error}`
        : 'reading the kubeconfig Secret',
    );
  const secret = secrets.get(secretName, ns);
  const secretPath = `${ns}/${secretName}`;
  if (!secret)
    return failed(
      'cluster-not-ready',
      `kubeconfig Secret ${secretPath} not found`,
    );
  try {
    const encoded = kubeconfigSecretData(secret.data, {
      secret: secretPath,
      capi: !gc.spec?.secretRef?.name,
    });
    return {
      kind: 'secret',
      display,
      secret: secretPath,
      version: `${secretPath}@${secret.metadata?.resourceVersion}`,
      encoded,
    };
  } catch (e) {
    return failed('cluster-not-ready', (e as Error).message);
  }
}
