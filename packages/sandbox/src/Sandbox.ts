import fs from 'fs';
import os from 'os';
import path from 'path';
import type { ApiServer } from './ApiServer';
import type { Etcd } from './Etcd';
import { FluxStandIn } from './FluxStandIn';
import { NotificationControllerStandIn } from './NotificationControllerStandIn';
import { GitOpsReconciler } from './GitOpsReconciler';
import { ForgeUser, GitForge } from './forge/GitForge';
import { allowPipelinesIn } from './accounts';
import {
  ClusterName,
  SandboxCluster,
  adminKubeconfig,
  markGitopsClustersReady,
  randomToken as token,
  startClusters,
} from './clusters';
import { apply, kubeConfigFor } from './kube';
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

export type { ClusterName, SandboxCluster } from './clusters';
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
   * Lets the pipelines backend's account read the Secrets of `pipelinesNamespace` and record Events there
   * (created when missing), as a user does for each namespace holding Pipelines: the shipped
   * rbac-pipelines-namespace.yaml, applied there as it is. flux-system has it from the start.
   */
  allowPipelinesIn(pipelinesNamespace: string): Promise<void> {
    return allowPipelinesIn(this.clusters.management.admin, pipelinesNamespace);
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
    const targetNames = options.targetClusters ?? ['dev', 'prod'];
    const names = ['management', ...targetNames];
    const { etcd, servers, clusters, readerToken, accounts } =
      await startClusters(dir, names, options.ports);
    const { pipelinesToken, kubernetesPluginToken } = accounts;
    const mgmt = clusters.management.admin;

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
    await markGitopsClustersReady(
      this.clusters.management.admin,
      this.names.slice(1).map(name => ({
        name,
        ready: this.servers[name].running,
      })),
    );
  }

  /** A kubeconfig with contexts management, dev and prod (admin tokens). */
  kubeconfig(): string {
    return adminKubeconfig(this.names.map(n => this.clusters[n]));
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
