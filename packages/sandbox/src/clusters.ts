import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { generateKeyPairSync, randomBytes } from 'crypto';
import fs from 'fs';
import path from 'path';
import {
  BackstageTokens,
  installBackstageAccounts,
  installKubernetesPluginAccount,
  targetReaderRbac,
} from './accounts';
import { ApiServer, StaticToken } from './ApiServer';
import { Etcd } from './Etcd';
import { apply, kubeConfigFor, readManifests, waitForCrds } from './kube';
import { freePort } from './ports';
import { namespace } from './seed';

/** A cluster's name: `management` or a target's. */
export type ClusterName = string;

/** One of the sandbox's clusters: its API server and how to reach it. */
export interface SandboxCluster {
  name: ClusterName;
  url: string;
  caData: string;
  /** system:masters on this cluster. */
  adminToken: string;
  /** A kubeconfig with the admin token. */
  admin: KubeConfig;
  /**
   * A token of the Kubernetes plugin's account here (rbac-kubernetes-plugin.yaml as shipped:
   * read-only, no Secrets), for `kubernetes.clusterLocatorMethods`; set once the sandbox started.
   */
  kubernetesPluginToken: string;
  /** Stops the API server: the cluster becomes unreachable (data is kept). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const CRD_FILES = [
  path.join(
    repoRoot,
    'plugins/pipelines-common/crd/pipelines.weave.works_pipelines.yaml',
  ),
  path.join(__dirname, '..', 'crds', 'gitopsclusters.gitops.weave.works.yaml'),
  path.join(
    __dirname,
    '..',
    'crds',
    'helmreleases.helm.toolkit.fluxcd.io.yaml',
  ),
  path.join(
    __dirname,
    '..',
    'crds',
    'kustomizations.kustomize.toolkit.fluxcd.io.yaml',
  ),
  path.join(
    __dirname,
    '..',
    'crds',
    'alerts.notification.toolkit.fluxcd.io.yaml',
  ),
  path.join(
    __dirname,
    '..',
    'crds',
    'providers.notification.toolkit.fluxcd.io.yaml',
  ),
];

/** A random bearer token or password. */
export const randomToken = () => randomBytes(24).toString('hex');
const token = randomToken;

/** What {@link startClusters} started. */
export interface StartedClusters {
  etcd: Etcd;
  servers: Record<ClusterName, ApiServer>;
  clusters: Record<ClusterName, SandboxCluster>;
  /** The static token of the target clusters' read-only user (the GitopsCluster kubeconfigs'). */
  readerToken: string;
  /** The management cluster's tokens of the pipelines backend's and the Kubernetes plugin's accounts. */
  accounts: BackstageTokens;
}

/**
 * Real kube-apiservers (`names`, the management cluster first) over one etcd in `dir`, each with
 * the CRDs, flux-system and the shipped accounts (the target reader on every cluster, the
 * Kubernetes plugin's on every cluster, the pipelines backend's on the management cluster), one
 * token per account.
 */
export async function startClusters(
  dir: string,
  names: string[],
  ports?: Partial<Record<ClusterName, number>>,
): Promise<StartedClusters> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  fs.writeFileSync(path.join(dir, 'sa.key'), privateKey, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'sa.pub'), publicKey);

  const etcd = await Etcd.start(dir);
  const readerToken = token();
  const servers = {} as Record<ClusterName, ApiServer>;
  const makeServer = {} as Record<ClusterName, () => Promise<ApiServer>>;
  try {
    for (const name of names) {
      const admin = token();
      const tokens: StaticToken[] = [
        { token: admin, user: 'sandbox-admin', groups: ['system:masters'] },
        {
          token: readerToken,
          user: 'gitops-pipelines-reader',
          groups: ['system:authenticated'],
        },
      ];
      makeServer[name] = async () =>
        new ApiServer(
          name,
          ports?.[name] ?? (await freePort()),
          etcd.url,
          dir,
          admin,
          tokens,
        );
    }
    // Start in parallel: each takes a few seconds. A free port can be taken by another process
    // (another test worker's sandbox) between freePort() and the bind: then a new one is tried.
    await Promise.all(
      names.map(async n => {
        for (let attempt = 1; ; attempt++) {
          servers[n] = await makeServer[n]();
          try {
            await servers[n].start();
            return;
          } catch (e) {
            const taken = /address already in use/.test(String(e));
            if (!taken || ports?.[n] !== undefined || attempt >= 3) throw e;
          }
        }
      }),
    );
  } catch (e) {
    await Promise.all(Object.values(servers).map(s => s.stop()));
    await etcd.stop();
    throw e;
  }

  const clusters = {} as Record<ClusterName, SandboxCluster>;
  for (const name of names) {
    const server = servers[name];
    const caData = server.caData();
    clusters[name] = {
      name,
      url: server.url,
      caData,
      adminToken: server.adminToken,
      admin: kubeConfigFor({
        name,
        server: server.url,
        caData,
        token: server.adminToken,
      }),
      kubernetesPluginToken: '',
      stop: () => server.stop(),
      start: () => server.start(),
    };
  }

  const crds = CRD_FILES.flatMap(readManifests);
  await Promise.all(
    names.map(async name => {
      await apply(clusters[name].admin, crds);
      await waitForCrds(
        clusters[name].admin,
        crds.map(c => c.metadata!.name!),
      );
      await apply(clusters[name].admin, [
        namespace('flux-system'),
        ...targetReaderRbac('gitops-pipelines-reader'),
      ]);
      if (name !== 'management')
        clusters[name].kubernetesPluginToken =
          await installKubernetesPluginAccount(clusters[name].admin);
    }),
  );

  // One account per Backstage plugin, as shipped: never the same token for both.
  const accounts = await installBackstageAccounts(clusters.management.admin);
  clusters.management.kubernetesPluginToken = accounts.kubernetesPluginToken;
  return { etcd, servers, clusters, readerToken, accounts };
}

/** Sets each GitopsCluster's Ready condition, as Weave's cluster-controller would. */
export async function markGitopsClustersReady(
  management: KubeConfig,
  targets: Array<{ name: string; ready: boolean }>,
): Promise<void> {
  const api = management.makeApiClient(CustomObjectsApi);
  const gitopsCluster = {
    group: 'gitops.weave.works',
    version: 'v1alpha1',
    namespace: 'flux-system',
    plural: 'gitopsclusters',
  };
  for (const { name, ready } of targets) {
    const obj: any = await api.getNamespacedCustomObject({
      ...gitopsCluster,
      name,
    });
    obj.status = {
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          reason: ready ? 'Available' : 'ClusterNotReady',
          message: ready ? 'cluster is reachable' : 'cluster is not reachable',
          lastTransitionTime: new Date().toISOString(),
        },
      ],
    };
    await api.replaceNamespacedCustomObjectStatus({
      ...gitopsCluster,
      name,
      body: obj,
    });
  }
}

/** A kubeconfig with one context per cluster (admin tokens), `management` current. */
export function adminKubeconfig(clusters: SandboxCluster[]): string {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: clusters.map(c => ({
      name: c.name,
      server: c.url,
      caData: c.caData,
    })),
    users: clusters.map(c => ({
      name: `${c.name}-admin`,
      token: c.adminToken,
    })),
    contexts: clusters.map(c => ({
      name: c.name,
      cluster: c.name,
      user: `${c.name}-admin`,
    })),
    currentContext: 'management',
  });
  return kc.exportConfig();
}
