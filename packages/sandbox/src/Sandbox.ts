import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { generateKeyPairSync, randomBytes } from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { ApiServer, StaticToken } from './ApiServer';
import { Etcd } from './Etcd';
import { FluxStandIn } from './FluxStandIn';
import { NotificationControllerStandIn } from './NotificationControllerStandIn';
import { GitOpsReconciler } from './GitOpsReconciler';
import { ForgeUser, GitForge } from './forge/GitForge';
import {
  allowPipelinesIn,
  installBackstageAccounts,
  installKubernetesPluginAccount,
  targetReaderRbac,
} from './accounts';
import { apply, kubeConfigFor, readManifests, waitForCrds } from './kube';
import { freePort } from './ports';
import {
  SEED_TARGETS,
  SEED_VERSIONS,
  seedRepositoryFiles,
  gatedPipeline,
  gitopsCluster,
  helmRelease,
  namespace,
  seedPipeline,
} from './seed';

export type ClusterName = string;
/** The demo's clusters: the management cluster and two targets. */
export const CLUSTER_NAMES = ['management', 'dev', 'prod'];

export interface SandboxOptions {
  /** Working directory for etcd data, certificates and logs; a temporary one by default. */
  dir?: string;
  /** API server ports; free ports by default (tests). `npm run sandbox` uses 6443–6445. */
  ports?: Partial<Record<ClusterName, number>>;
  /** How long the Flux stand-in takes to reconcile a change. */
  fluxDelayMs?: number;
  /** Seed the demo pipeline and apps (default true; needs the dev and prod targets). */
  seed?: boolean;
  /** Target clusters besides the management cluster (default dev and prod), each a GitopsCluster. */
  targetClusters?: string[];
  /** Run the Flux stand-in (default true). Off when a caller writes app status itself. */
  flux?: boolean;
  /** Run the git forge with the demo repository (default true, with the seed). */
  forge?: boolean;
  /** The forge's port (default: a free one). */
  forgePort?: number;
}

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

const token = () => randomBytes(24).toString('hex');

/**
 * Real Kubernetes API servers (management, dev, prod) over one etcd, the CRDs, the demo
 * pipeline with its GitopsClusters and apps, and the Flux stand-in.
 */
export class Sandbox {
  private constructor(
    readonly dir: string,
    /** management first, then the target clusters. */
    readonly names: string[],
    private readonly etcd: Etcd,
    private readonly servers: Record<ClusterName, ApiServer>,
    readonly clusters: Record<ClusterName, SandboxCluster>,
    readonly flux: FluxStandIn,
    /**
     * The pipelines backend's token on the management cluster (ServiceAccount
     * `backstage/gitops-pipelines`, RBAC as shipped: Secrets only in the Pipelines' namespaces),
     * for `pipelines.managementClusters`. Never give it to the Kubernetes plugin.
     */
    readonly pipelinesToken: string,
    /**
     * The Kubernetes plugin's token on the management cluster (ServiceAccount
     * `backstage/kubernetes-plugin-reader`: read-only, no Secrets), for
     * `kubernetes.clusterLocatorMethods`.
     */
    readonly kubernetesPluginToken: string,
    /** Read-only token on the target clusters (what the GitopsCluster kubeconfigs hold). */
    readonly targetReaderToken: string,
    private readonly ownsDir: boolean,
    /** The git forge (GitHub API at `${url}/api/v3`), when started. */
    readonly forge?: GitForge,
    /** Its user, whose credentials are in the Secret `flux-system/github-credentials`. */
    readonly forgeUser?: ForgeUser,
  ) {}

  /** Applies the demo repository's `clusters/<cluster>/` manifests when `main` moves. */
  gitops?: GitOpsReconciler;

  /** Each cluster's notification-controller stand-in (event receiver URL in `.url`). */
  notificationControllers: Record<ClusterName, NotificationControllerStandIn> =
    {};

  /**
   * The pipelines backend's token ({@link Sandbox.pipelinesToken}).
   * @deprecated Say which account: `pipelinesToken`, or `kubernetesPluginToken` for the Kubernetes plugin.
   */
  get backstageToken(): string {
    return this.pipelinesToken;
  }

  /**
   * Lets the pipelines backend's account read the Secrets of `namespace` and record Events there
   * (created when missing), as a user does for each namespace holding Pipelines: the shipped
   * rbac-pipelines-namespace.yaml, applied there as it is. flux-system has it from the start.
   */
  allowPipelinesIn(namespace: string): Promise<void> {
    return allowPipelinesIn(this.clusters.management.admin, namespace);
  }

  /** The demo repository's URL on the forge. */
  get repositoryUrl(): string | undefined {
    return this.forge ? `${this.forge.url}/my-org/my-app-repo` : undefined;
  }

  static async start(options: SandboxOptions = {}): Promise<Sandbox> {
    const ownsDir = !options.dir;
    const dir =
      options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-sandbox-'));
    fs.mkdirSync(dir, { recursive: true });
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    fs.writeFileSync(path.join(dir, 'sa.key'), privateKey, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'sa.pub'), publicKey);

    const targetNames = options.targetClusters ?? ['dev', 'prod'];
    const names = ['management', ...targetNames];
    const etcd = await Etcd.start(dir);
    const readerToken = token();
    const servers = {} as Record<ClusterName, ApiServer>;
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
        servers[name] = new ApiServer(
          name,
          options.ports?.[name] ?? (await freePort()),
          etcd.url,
          dir,
          admin,
          tokens,
        );
      }
      // Start in parallel: each takes a few seconds.
      await Promise.all(names.map(n => servers[n].start()));
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

    const mgmt = clusters.management.admin;
    // One account per Backstage plugin, as shipped: never the same token for both.
    const { pipelinesToken, kubernetesPluginToken } =
      await installBackstageAccounts(mgmt);
    clusters.management.kubernetesPluginToken = kubernetesPluginToken;

    // One notification-controller per cluster, as Flux installs it; the Flux stand-in posts its events there.
    const notificationControllers: Record<
      string,
      NotificationControllerStandIn
    > = {};
    for (const n of names) {
      notificationControllers[n] = new NotificationControllerStandIn(
        clusters[n].admin,
      );
      await notificationControllers[n].start();
    }
    const flux = new FluxStandIn(
      Object.fromEntries(names.map(n => [n, clusters[n].admin])),
      options.fluxDelayMs ?? 1000,
      Object.fromEntries(names.map(n => [n, notificationControllers[n].url])),
    );
    let forge: GitForge | undefined;
    let forgeUser: ForgeUser | undefined;
    if (options.forge ?? options.seed !== false) {
      forgeUser = {
        username: 'pipelines-bot',
        password: token(),
        token: token(),
      };
      forge = await GitForge.start({
        dir: path.join(dir, 'forge'),
        port: options.forgePort,
        users: [forgeUser],
      });
    }
    const sandbox = new Sandbox(
      dir,
      names,
      etcd,
      servers,
      clusters,
      flux,
      pipelinesToken,
      kubernetesPluginToken,
      readerToken,
      ownsDir,
      forge,
      forgeUser,
    );
    sandbox.notificationControllers = notificationControllers;
    if (options.flux !== false) await flux.start();
    for (const name of targetNames) {
      const c = clusters[name];
      const kubeconfig = kubeConfigFor({
        name,
        server: c.url,
        caData: c.caData,
        token: readerToken,
        user: 'gitops-pipelines-reader',
      }).exportConfig();
      await apply(mgmt, gitopsCluster(name, kubeconfig));
    }
    await sandbox.markGitopsClustersReady();
    if (options.seed !== false) await sandbox.seed();
    return sandbox;
  }

  /** The demo: podinfo-02, its apps on dev and prod, and its repository on the forge. */
  private async seed() {
    if (this.forge && this.forgeUser) {
      await this.forge.createRepo(
        'my-org',
        'my-app-repo',
        seedRepositoryFiles(),
      );
      await apply(this.clusters.management.admin, [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'github-credentials', namespace: 'flux-system' },
          type: 'Opaque',
          stringData: {
            username: this.forgeUser.username,
            password: this.forgeUser.password,
            token: this.forgeUser.token,
          },
        } as any,
      ]);
    }
    await apply(this.clusters.management.admin, [
      seedPipeline(this.repositoryUrl),
      ...(this.repositoryUrl ? [gatedPipeline(this.repositoryUrl)] : []),
    ]);
    for (const t of SEED_TARGETS) {
      await apply(this.clusters[t.cluster].admin, [
        namespace(t.namespace),
        helmRelease(t.namespace, SEED_VERSIONS[t.environment]),
      ]);
    }
    if (this.forge) {
      this.gitops = new GitOpsReconciler(
        this.forge.repoPath('my-org', 'my-app-repo'),
        Object.fromEntries(
          this.names.slice(1).map(n => [n, this.clusters[n].admin]),
        ),
        { intervalMs: 500 },
      );
      await this.gitops.start();
    }
  }

  /** Sets each GitopsCluster's Ready condition, as Weave's cluster-controller would. */
  async markGitopsClustersReady() {
    const api = this.clusters.management.admin.makeApiClient(CustomObjectsApi);
    for (const name of this.names.slice(1)) {
      const obj: any = await api.getNamespacedCustomObject({
        group: 'gitops.weave.works',
        version: 'v1alpha1',
        namespace: 'flux-system',
        plural: 'gitopsclusters',
        name,
      });
      const ready = this.servers[name].running;
      obj.status = {
        conditions: [
          {
            type: 'Ready',
            status: ready ? 'True' : 'False',
            reason: ready ? 'Available' : 'ClusterNotReady',
            message: ready
              ? 'cluster is reachable'
              : 'cluster is not reachable',
            lastTransitionTime: new Date().toISOString(),
          },
        ],
      };
      await api.replaceNamespacedCustomObjectStatus({
        group: 'gitops.weave.works',
        version: 'v1alpha1',
        namespace: 'flux-system',
        plural: 'gitopsclusters',
        name,
        body: obj,
      });
    }
  }

  /** A kubeconfig with contexts management, dev and prod (admin tokens). */
  kubeconfig(): string {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: this.names.map(n => ({
        name: n,
        server: this.clusters[n].url,
        caData: this.clusters[n].caData,
      })),
      users: this.names.map(n => ({
        name: `${n}-admin`,
        token: this.clusters[n].adminToken,
      })),
      contexts: this.names.map(n => ({
        name: n,
        cluster: n,
        user: `${n}-admin`,
      })),
      currentContext: 'management',
    });
    return kc.exportConfig();
  }

  /** URLs and what Backstage needs to connect, for `.sandbox/endpoints.json`. */
  endpoints() {
    return {
      clusters: Object.fromEntries(
        this.names.map(n => [
          n,
          {
            url: this.clusters[n].url,
            notificationController: this.notificationControllers[n]?.url,
          },
        ]),
      ),
      forge: this.forge
        ? {
            url: this.forge.url,
            githubApi: `${this.forge.url}/api/v3`,
            repository: this.repositoryUrl,
            ...this.forgeUser,
          }
        : undefined,
      backstage: {
        managementUrl: this.clusters.management.url,
        /** The pipelines backend's token (pipelines.managementClusters). */
        serviceAccountToken: this.pipelinesToken,
        /** The Kubernetes plugin's token (kubernetes.clusterLocatorMethods): no Secrets. */
        kubernetesPluginToken: this.kubernetesPluginToken,
        caData: this.clusters.management.caData,
      },
    };
  }

  async stop() {
    this.gitops?.stop();
    await this.forge?.stop();
    await this.flux.stop();
    await Promise.all(
      Object.values(this.notificationControllers).map(nc => nc.stop()),
    );
    await Promise.all(this.names.map(n => this.servers[n].stop()));
    await this.etcd.stop();
    if (this.ownsDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
