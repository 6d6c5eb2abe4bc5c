import {
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
} from '@kubernetes/client-node';
import path from 'path';
import { apply, readManifests } from './kube';

/**
 * The RBAC manifests the pipelines backend package ships (and its README points users at): the
 * sandbox applies them as they are, read from the package's own folder, so the tests and the demo
 * run with exactly the permissions users are told to grant.
 */
export const SHIPPED_MANIFESTS = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  'plugins',
  'pipelines-backend',
  'manifests',
);
/** The pipelines backend's account on a management cluster (cluster-wide part). */
export const MANAGEMENT_RBAC_FILE = path.join(
  SHIPPED_MANIFESTS,
  'rbac-management-cluster.yaml',
);
/** The pipelines backend's Secrets and Events, per namespace holding Pipelines (a template). */
export const PIPELINES_NAMESPACE_RBAC_FILE = path.join(
  SHIPPED_MANIFESTS,
  'rbac-pipelines-namespace.yaml',
);
/** The Kubernetes plugin's read-only account, without Secrets. */
export const KUBERNETES_PLUGIN_RBAC_FILE = path.join(
  SHIPPED_MANIFESTS,
  'rbac-kubernetes-plugin.yaml',
);
/** The read-only account of target clusters. */
export const TARGET_RBAC_FILE = path.join(
  SHIPPED_MANIFESTS,
  'rbac-target-cluster.yaml',
);

/** A ServiceAccount, by namespace and name. */
export interface AccountRef {
  namespace: string;
  name: string;
}

/** The ServiceAccount of rbac-management-cluster.yaml: the pipelines backend's. */
export const PIPELINES_ACCOUNT: AccountRef = {
  namespace: 'backstage',
  name: 'gitops-pipelines',
};
/** The ServiceAccount of rbac-kubernetes-plugin.yaml: the Kubernetes plugin's. */
export const KUBERNETES_PLUGIN_ACCOUNT: AccountRef = {
  namespace: 'backstage',
  name: 'kubernetes-plugin-reader',
};

/** The namespace the demo's Pipelines, GitopsClusters and their Secrets live in. */
export const SEED_PIPELINES_NAMESPACE = 'flux-system';

const namespaceObject = (name: string): KubernetesObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name },
});

/**
 * The documents of a shipped manifest as `kubectl apply -n <namespace> -f` applies them: those
 * without a namespace get it; one naming another namespace is an error, as with kubectl.
 */
export function manifestsIn(
  file: string,
  namespace: string,
): KubernetesObject[] {
  return readManifests(file).map(o => {
    const own = o.metadata?.namespace;
    if (own && own !== namespace) {
      throw new Error(
        `${path.basename(file)}: ${o.kind} ${
          o.metadata?.name
        } is in namespace ${own}, not ${namespace}`,
      );
    }
    return { ...o, metadata: { ...o.metadata, namespace } };
  });
}

/**
 * The read-only role the pipelines backend's kubeconfigs use on target clusters: the shipped
 * manifest (ServiceAccount `flux-system/gitops-pipelines-reader`, ClusterRole and binding), and
 * the same ClusterRole bound to the sandbox's static-token `user`, whom the GitopsCluster
 * kubeconfigs name.
 */
export function targetReaderRbac(user: string): KubernetesObject[] {
  return [
    ...readManifests(TARGET_RBAC_FILE),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'gitops-pipelines-target-reader-sandbox' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'gitops-pipelines-target-reader',
      },
      subjects: [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user },
      ],
    } as KubernetesObject,
  ];
}

/**
 * Lets the pipelines backend's account work with Pipelines in `namespace` (created when
 * missing): the shipped per-namespace template, applied there as it is.
 */
export async function allowPipelinesIn(
  kc: KubeConfig,
  namespace: string,
): Promise<void> {
  await apply(kc, [
    namespaceObject(namespace),
    ...manifestsIn(PIPELINES_NAMESPACE_RBAC_FILE, namespace),
  ]);
}

/** A bound token of a ServiceAccount (TokenRequest), valid for a week. */
export async function serviceAccountToken(
  kc: KubeConfig,
  account: AccountRef,
): Promise<string> {
  const request = await kc
    .makeApiClient(CoreV1Api)
    .createNamespacedServiceAccountToken({
      ...account,
      body: {
        spec: {
          audiences: ['https://kubernetes.default.svc'],
          expirationSeconds: 7 * 24 * 3600,
        },
      },
    });
  const token = request.status?.token;
  if (!token) {
    throw new Error(
      `No token issued for ServiceAccount ${account.namespace}/${account.name}`,
    );
  }
  return token;
}

/** The two accounts Backstage uses on the management cluster: never the same one. */
export interface BackstageTokens {
  /** `backstage/gitops-pipelines`: for `pipelines.managementClusters`. */
  pipelinesToken: string;
  /** `backstage/kubernetes-plugin-reader`: for `kubernetes.clusterLocatorMethods`. */
  kubernetesPluginToken: string;
}

/**
 * Applies rbac-kubernetes-plugin.yaml as it is (its namespace first) and issues a token of its
 * account: what the Kubernetes plugin shows a cluster with.
 */
export async function installKubernetesPluginAccount(
  kc: KubeConfig,
): Promise<string> {
  await apply(kc, [
    namespaceObject(KUBERNETES_PLUGIN_ACCOUNT.namespace),
    ...readManifests(KUBERNETES_PLUGIN_RBAC_FILE),
  ]);
  return serviceAccountToken(kc, KUBERNETES_PLUGIN_ACCOUNT);
}

/**
 * Applies the shipped management-cluster manifests as a user would (the accounts' namespace
 * first, then each file as it is, the per-namespace template in each of `pipelineNamespaces`)
 * and issues one token per account.
 */
export async function installBackstageAccounts(
  kc: KubeConfig,
  pipelineNamespaces: string[] = [SEED_PIPELINES_NAMESPACE],
): Promise<BackstageTokens> {
  await apply(kc, [
    namespaceObject(PIPELINES_ACCOUNT.namespace),
    ...readManifests(MANAGEMENT_RBAC_FILE),
  ]);
  for (const ns of pipelineNamespaces) await allowPipelinesIn(kc, ns);
  return {
    pipelinesToken: await serviceAccountToken(kc, PIPELINES_ACCOUNT),
    kubernetesPluginToken: await installKubernetesPluginAccount(kc),
  };
}
