import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import {
  CONDITION_READY,
  Target,
  TargetState,
} from '@gitops-pipelines/plugin-pipelines-common';
import { createHash } from 'crypto';
import { FluxApp, slimFluxApp } from '../cache/appStatus';
import { ManagementClusterConfig } from '../config/readManagementClusters';
import type { PipelinesMetrics } from '../metrics/PipelinesMetrics';
import { ManagementWatchers } from '../watch/ManagementWatchers';
import { ResourceWatcher, WatchedObjectRef } from '../watch/ResourceWatcher';
import {
  kubeconfigSecretData,
  kubeConfigForManagementCluster,
  kubeConfigFromSecretValue,
} from './kubeConfigs';

const APP_PLURALS: Record<string, string> = {
  HelmRelease: 'helmreleases',
  Kustomization: 'kustomizations',
};

/** A cluster the pipelines' apps run on, and its app watchers (by `apiVersion|kind`). */
export interface TargetConnection {
  key: string;
  /** Hash of the kubeconfig it was made from: a new one replaces the watchers. */
  fingerprint: string;
  kubeConfig: KubeConfig;
  apps: Map<string, ResourceWatcher<FluxApp & KubernetesObject>>;
}

/** Where a target runs: a connection, or why there is none (as the target's state). */
export type Resolved =
  | { ok: true; connection: TargetConnection; display: string }
  | { ok: false; state: Omit<TargetState, 'namespace' | 'clusterRef'> };

/** Resolves a Pipeline target's cluster on a management cluster (memoized for one refresh). */
export type ClusterResolver = (
  m: ManagementWatchers,
  pipelineNamespace: string | undefined,
  target: Target,
) => Resolved;

/**
 * The target clusters: a target's `clusterRef` → GitopsCluster (its `Ready` and Weave's
 * `ClusterConnectivity` conditions) → a cluster mapped in config, or the kubeconfig Secret
 * (`secretRef`, or CAPI's `<name>-kubeconfig`; keys as `kubeConfigs.ts` reads them) → one
 * connection per cluster with one app watcher per app kind. A Secret whose kubeconfig changed
 * replaces the connection's watchers.
 */
export class TargetClusters {
  private readonly connections = new Map<string, TargetConnection>();
  private readonly fingerprints = new Map<string, string>();

  constructor(
    private readonly options: {
      logger: LoggerService;
      /** GitopsCluster `namespace/name` → a cluster configured in Backstage. */
      gitopsClusterMappings?: Map<string, ManagementClusterConfig>;
      /** A watch event of an app watcher: its connection and `apiVersion|kind`, and the object (none: the watcher's own state changed). */
      onAppChange: (
        connectionKey: string,
        appKey: string,
        object?: WatchedObjectRef,
      ) => void;
      metrics?: PipelinesMetrics;
    },
  ) {}

  /**
   * A resolver for one refresh: many targets share a cluster (6,000 targets over 10 clusters
   * in the bench), and the watcher sync and the recomputation both need them.
   */
  resolver(): ClusterResolver {
    const memo = new Map<string, Resolved>();
    return (m, pipelineNamespace, target) => {
      const ref = target.clusterRef;
      const key = `${m.config.name}|${
        ref
          ? `${ref.namespace ?? pipelineNamespace ?? 'default'}/${ref.name}`
          : 'local'
      }`;
      let resolved = memo.get(key);
      if (!resolved) {
        resolved = this.resolve(m, pipelineNamespace, target);
        memo.set(key, resolved);
      }
      return resolved;
    };
  }

  /** Watches `apiVersion|kind` apps on a connection (once; unsupported kinds are skipped). */
  watchApps(connection: TargetConnection, appKey: string) {
    if (connection.apps.has(appKey)) return;
    const [apiVersion, kind] = appKey.split('|');
    const plural = APP_PLURALS[kind];
    if (!plural) return;
    const w = new ResourceWatcher<FluxApp & KubernetesObject>({
      name: `${connection.key}/${plural}`,
      kubeConfig: connection.kubeConfig,
      target: { apiVersion, kind, plural },
      logger: this.options.logger,
      onChange: object =>
        this.options.onAppChange(connection.key, appKey, object),
      slim: slimFluxApp,
      metrics: this.options.metrics && {
        recorder: this.options.metrics,
        cluster: connection.key,
      },
    });
    connection.apps.set(appKey, w);
    w.start();
  }

  /** Stops the app watchers and connections nothing references any more (connection key → app keys). */
  prune(wanted: Map<string, Set<string>>) {
    for (const [key, connection] of this.connections) {
      const kinds = wanted.get(key);
      for (const [appKey, w] of connection.apps) {
        if (!kinds?.has(appKey)) {
          connection.apps.delete(appKey);
          void w.stop();
        }
      }
      if (!kinds) this.connections.delete(key);
    }
  }

  /** Apps held, per connection and kind. */
  objectCounts(): Array<{ cluster: string; kind: string; count: number }> {
    return [...this.connections.values()].flatMap(c =>
      [...c.apps].map(([appKey, w]) => ({
        cluster: c.key,
        kind: appKey.split('|')[1],
        count: w.size,
      })),
    );
  }

  async stop() {
    await Promise.all(
      [...this.connections.values()].flatMap(c =>
        [...c.apps.values()].map(w => w.stop()),
      ),
    );
  }

  /** sha256 of a kubeconfig, computed once per Secret version (refreshes resolve every target). */
  private fingerprint(version: string, encoded: string): string {
    let fp = this.fingerprints.get(version);
    if (!fp) {
      fp = createHash('sha256').update(encoded).digest('hex');
      if (this.fingerprints.size > 10_000) this.fingerprints.clear();
      this.fingerprints.set(version, fp);
    }
    return fp;
  }

  private connection(
    key: string,
    fingerprint: string,
    makeKubeConfig: () => KubeConfig,
  ): TargetConnection {
    const existing = this.connections.get(key);
    if (existing && existing.fingerprint === fingerprint) return existing;
    if (existing) {
      this.options.logger.info(
        `Credentials of target cluster ${key} changed: reconnecting`,
      );
      for (const w of existing.apps.values()) void w.stop();
    }
    const connection: TargetConnection = {
      key,
      fingerprint,
      kubeConfig: makeKubeConfig(),
      apps: new Map(),
    };
    this.connections.set(key, connection);
    return connection;
  }

  /** Where a target's app runs: the management cluster itself, or a GitopsCluster's kubeconfig. */
  private resolve(
    m: ManagementWatchers,
    pipelineNamespace: string | undefined,
    target: Target,
  ): Resolved {
    const mgmt = m.config.name;
    if (!target.clusterRef) {
      return {
        ok: true,
        connection: this.connection(
          `${mgmt}#local`,
          'local',
          () => m.kubeConfig,
        ),
        display: `${mgmt} (local)`,
      };
    }
    const ns = target.clusterRef.namespace ?? pipelineNamespace ?? 'default';
    const display = `${ns}/${target.clusterRef.name}`;
    const notReady = (message: string): Resolved => ({
      ok: false,
      state: {
        cluster: display,
        health: 'cluster-not-ready',
        appFound: false,
        message,
      },
    });
    if (!m.gitopsClusters.synced)
      return notReady(
        m.gitopsClusters.error ?? 'connecting to the management cluster',
      );
    const gc = m.gitopsClusters.get(target.clusterRef.name, ns);
    if (!gc) {
      return {
        ok: false,
        state: {
          cluster: display,
          health: 'cluster-not-found',
          appFound: false,
          message: `GitopsCluster ${display} not found`,
        },
      };
    }
    const ready = gc.status?.conditions?.find(c => c.type === CONDITION_READY);
    if (ready && ready.status !== 'True') {
      return notReady(
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
      return notReady(
        `GitopsCluster ${display} cannot be reached${
          connectivity.message ? `: ${connectivity.message}` : ''
        }`,
      );
    }
    const mapped = this.options.gitopsClusterMappings?.get(display);
    if (mapped) {
      return {
        ok: true,
        connection: this.connection(
          `${mgmt}#gc:${display}`,
          `config:${mapped.name}`,
          () => kubeConfigForManagementCluster(mapped),
        ),
        display,
      };
    }
    const secretName =
      gc.spec?.secretRef?.name ??
      (gc.spec?.capiClusterRef?.name
        ? `${gc.spec.capiClusterRef.name}-kubeconfig`
        : undefined);
    if (!secretName)
      return notReady(
        `GitopsCluster ${display} has neither secretRef nor capiClusterRef`,
      );
    const secrets = m.secretsIn(ns);
    if (!secrets?.synced)
      return notReady(
        secrets?.error
          ? `cannot read Secrets in ${ns}: ${secrets.error}`
          : 'reading the kubeconfig Secret',
      );
    const secret = secrets.get(secretName, ns);
    if (!secret)
      return notReady(`kubeconfig Secret ${ns}/${secretName} not found`);
    let encoded: string;
    try {
      encoded = kubeconfigSecretData(secret.data, {
        secret: `${ns}/${secretName}`,
        capi: !gc.spec?.secretRef?.name,
      });
    } catch (e) {
      return notReady((e as Error).message);
    }
    const fingerprint = this.fingerprint(
      `${ns}/${secretName}@${secret.metadata?.resourceVersion}`,
      encoded,
    );
    try {
      const connection = this.connection(
        `${mgmt}#gc:${display}`,
        fingerprint,
        () =>
          kubeConfigFromSecretValue(
            Buffer.from(encoded, 'base64').toString('utf8'),
          ),
      );
      return { ok: true, connection, display };
    } catch (e) {
      return notReady(
        `kubeconfig Secret ${ns}/${secretName}: ${(e as Error).message}`,
      );
    }
  }
}
