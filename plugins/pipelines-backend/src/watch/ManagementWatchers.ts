import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import {
  GITOPS_CLUSTER_GROUP,
  GITOPS_CLUSTER_KIND,
  GITOPS_CLUSTER_PLURAL,
  GITOPS_CLUSTER_VERSION,
  PIPELINE_API_VERSION,
  PIPELINE_KIND,
  PIPELINE_PLURAL,
  Pipeline,
} from '@gitops-pipelines/plugin-pipelines-common';
import { kubeConfigForManagementCluster } from '../clusters/kubeConfigs';
import { ManagementClusterConfig } from '../config/readManagementClusters';
import type { PipelinesMetrics } from '../metrics/PipelinesMetrics';
import { ResourceWatcher } from './ResourceWatcher';

/** A GitopsCluster (`gitops.weave.works/v1alpha1`), the fields the cache reads. */
export type GitopsCluster = KubernetesObject & {
  spec?: { secretRef?: { name?: string }; capiClusterRef?: { name?: string } };
  status?: {
    conditions?: Array<{ type?: string; status?: string; message?: string }>;
  };
};
/** A Secret as watched: values base64-encoded. */
export type Secret = KubernetesObject & { data?: Record<string, string> };
/** A Pipeline as watched: not validated yet. */
export type PipelineObject = KubernetesObject & {
  spec?: Partial<Pipeline['spec']>;
  status?: Pipeline['status'];
};

/**
 * The watches on one management cluster: its Pipelines, its GitopsClusters, and the Secrets
 * of the namespaces someone asked for (GitopsCluster kubeconfigs; the promotion side's
 * credentials and HMAC keys). Every change calls `onChange`.
 */
export class ManagementWatchers {
  readonly kubeConfig: KubeConfig;
  readonly pipelines: ResourceWatcher<PipelineObject>;
  readonly gitopsClusters: ResourceWatcher<GitopsCluster>;
  private readonly secrets = new Map<string, ResourceWatcher<Secret>>();

  constructor(
    readonly config: ManagementClusterConfig,
    private readonly logger: LoggerService,
    private readonly onChange: () => void,
    private readonly metrics?: PipelinesMetrics,
  ) {
    this.kubeConfig = kubeConfigForManagementCluster(config);
    this.pipelines = this.watcher('pipelines', {
      apiVersion: PIPELINE_API_VERSION,
      kind: PIPELINE_KIND,
      plural: PIPELINE_PLURAL,
    });
    this.gitopsClusters = this.watcher('gitopsclusters', {
      apiVersion: `${GITOPS_CLUSTER_GROUP}/${GITOPS_CLUSTER_VERSION}`,
      kind: GITOPS_CLUSTER_KIND,
      plural: GITOPS_CLUSTER_PLURAL,
    });
  }

  private watcher<T extends KubernetesObject>(
    what: string,
    target: {
      apiVersion: string;
      kind: string;
      plural: string;
      namespace?: string;
    },
  ) {
    return new ResourceWatcher<T>({
      name: `${this.config.name}/${what}`,
      kubeConfig: this.kubeConfig,
      target,
      logger: this.logger,
      onChange: this.onChange,
      metrics: this.metrics && {
        recorder: this.metrics,
        cluster: this.config.name,
      },
    });
  }

  /** Objects held, by kind (Secrets of every watched namespace together). */
  objectCounts(): Array<{ cluster: string; kind: string; count: number }> {
    const cluster = this.config.name;
    return [
      { cluster, kind: PIPELINE_KIND, count: this.pipelines.size },
      { cluster, kind: GITOPS_CLUSTER_KIND, count: this.gitopsClusters.size },
      {
        cluster,
        kind: 'Secret',
        count: [...this.secrets.values()].reduce((n, w) => n + w.size, 0),
      },
    ];
  }

  start() {
    this.pipelines.start();
    this.gitopsClusters.start();
  }

  async stop() {
    await Promise.all(
      [this.pipelines, this.gitopsClusters, ...this.secrets.values()].map(w =>
        w.stop(),
      ),
    );
  }

  /** Watches the Secrets of exactly these namespaces (starting and stopping watchers). */
  watchSecretsIn(namespaces: Set<string>) {
    for (const ns of namespaces) {
      if (this.secrets.has(ns)) continue;
      const w = this.watcher<Secret>(`secrets/${ns}`, {
        apiVersion: 'v1',
        kind: 'Secret',
        plural: 'secrets',
        namespace: ns,
      });
      this.secrets.set(ns, w);
      w.start();
    }
    for (const [ns, w] of this.secrets) {
      if (!namespaces.has(ns)) {
        this.secrets.delete(ns);
        void w.stop();
      }
    }
  }

  /** The Secret watcher of a namespace, when it is watched. */
  secretsIn(namespace: string): ResourceWatcher<Secret> | undefined {
    return this.secrets.get(namespace);
  }

  /** A key of a watched Secret, decoded; undefined when absent or not watched. */
  secretValue(
    namespace: string,
    name: string,
    key: string,
  ): string | undefined {
    const encoded = this.secrets.get(namespace)?.get(name, namespace)?.data?.[
      key
    ];
    return encoded === undefined
      ? undefined
      : Buffer.from(encoded, 'base64').toString('utf8');
  }

  /** Whether the Pipelines (and, with `secretNamespace`, that namespace's Secrets) are not listed yet. */
  warmingUp(secretNamespace?: string): boolean {
    if (!this.pipelines.synced && !this.pipelines.error) return true;
    if (secretNamespace === undefined) return false;
    const secrets = this.secrets.get(secretNamespace);
    return !secrets || (!secrets.synced && !secrets.error);
  }
}
