import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { Target } from '@gitops-pipelines/plugin-pipelines-common';
import { createHash } from 'crypto';
import { FluxApp, slimFluxApp } from '../cache/appStatus';
import { ManagementClusterConfig } from '../config/readManagementClusters';
import {
  DEFAULT_TARGET_CLUSTER_SETTINGS,
  TargetClusterSettings,
} from '../config/readClusterSettings';
import type { PipelinesMetrics } from '../metrics/PipelinesMetrics';
import { ManagementWatchers } from '../watch/ManagementWatchers';
import { ResourceWatcher, WatchedObjectRef } from '../watch/ResourceWatcher';
import {
  kubeConfigForManagementCluster,
  kubeConfigFromSecretValue,
} from './kubeConfigs';
import {
  gitopsClusterNamespace,
  resolveGitopsCluster,
  TargetFailure,
} from './resolveGitopsCluster';

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
  | { ok: false; state: TargetFailure };

/** Resolves a Pipeline target's cluster on a management cluster (memoized for one refresh). */
export type ClusterResolver = (
  m: ManagementWatchers,
  pipelineNamespace: string | undefined,
  target: Target,
) => Resolved;

/**
 * The target clusters: a target's `clusterRef` → GitopsCluster → a cluster mapped in config,
 * or the kubeconfig Secret read strictly (`resolveGitopsCluster.ts`, `readKubeconfig.ts`) →
 * one connection per cluster with one app watcher per app kind. A Secret whose kubeconfig
 * changed replaces the connection's watchers.
 */
export class TargetClusters {
  private readonly connections = new Map<string, TargetConnection>();
  private readonly fingerprints = new Map<string, string>();
  /** Kubeconfigs refused, by fingerprint: the message (each is read and logged once). */
  private readonly refused = new Map<string, string>();
  private readonly settings: TargetClusterSettings;

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
      /** `pipelines.clusters.*`; default: the safe defaults. */
      settings?: TargetClusterSettings;
    },
  ) {
    this.settings = options.settings ?? DEFAULT_TARGET_CLUSTER_SETTINGS;
  }

  /**
   * The namespace whose Secrets a target's cluster needs watched: its GitopsCluster's, or
   * none (no `clusterRef`, or a cross-namespace reference that is refused).
   */
  secretNamespace(
    pipelineNamespace: string | undefined,
    target: Target,
  ): string | undefined {
    if (!target.clusterRef) return undefined;
    const scope = gitopsClusterNamespace(
      pipelineNamespace,
      target,
      this.settings,
    );
    return 'namespace' in scope ? scope.namespace : undefined;
  }

  /**
   * A resolver for one refresh: many targets share a cluster (6,000 targets over 10 clusters
   * in the bench), and the watcher sync and the recomputation both need them.
   */
  resolver(): ClusterResolver {
    const memo = new Map<string, Resolved>();
    return (m, pipelineNamespace, target) => {
      const ref = target.clusterRef;
      // A reference into another namespace resolves per Pipeline namespace (it may be refused).
      const from =
        ref?.namespace && ref.namespace !== pipelineNamespace
          ? `${pipelineNamespace}->`
          : '';
      const key = `${m.config.name}|${
        ref
          ? `${from}${ref.namespace ?? pipelineNamespace ?? 'default'}/${
              ref.name
            }`
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
    // Built before the old watchers stop: a refused kubeconfig throws here.
    const kubeConfig = makeKubeConfig();
    if (existing) {
      this.options.logger.info(
        `Credentials of target cluster ${key} changed: reconnecting`,
      );
      for (const w of existing.apps.values()) void w.stop();
    }
    const connection: TargetConnection = {
      key,
      fingerprint,
      kubeConfig,
      apps: new Map(),
    };
    this.connections.set(key, connection);
    return connection;
  }

  /** Where a target's app runs: the management cluster itself, or a GitopsCluster's cluster. */
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
    const route = resolveGitopsCluster({
      m,
      pipelineNamespace,
      target,
      settings: this.settings,
      mappings: this.options.gitopsClusterMappings,
    });
    if (route.kind === 'failed') return { ok: false, state: route.state };
    const { display } = route;
    const key = `${mgmt}#gc:${display}`;
    if (route.kind === 'mapped') {
      const { config } = route;
      return {
        ok: true,
        connection: this.connection(key, `config:${config.name}`, () =>
          kubeConfigForManagementCluster(config),
        ),
        display,
      };
    }
    const fingerprint = this.fingerprint(route.version, route.encoded);
    let message = this.refused.get(fingerprint);
    if (!message) {
      try {
        const connection = this.connection(key, fingerprint, () =>
          kubeConfigFromSecretValue(route.encoded, {
            secret: route.secret,
            settings: this.settings,
          }),
        );
        return { ok: true, connection, display };
      } catch (e) {
        // Once per kubeconfig: the message names the Secret and the field, never the content.
        message = (e as Error).message;
        if (this.refused.size > 10_000) this.refused.clear();
        this.refused.set(fingerprint, message);
        this.options.logger.warn(
          `Target cluster ${key} not connected: ${message}`,
        );
      }
    }
    return {
      ok: false,
      state: {
        cluster: display,
        health: 'cluster-not-ready',
        appFound: false,
        message,
      },
    };
  }
}
