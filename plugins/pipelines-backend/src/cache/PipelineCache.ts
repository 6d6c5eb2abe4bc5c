import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import {
  Condition,
  CONDITION_READY,
  GITOPS_CLUSTER_GROUP,
  GITOPS_CLUSTER_KIND,
  GITOPS_CLUSTER_PLURAL,
  GITOPS_CLUSTER_VERSION,
  ManagementClusterInfo,
  PIPELINE_API_VERSION,
  PIPELINE_KIND,
  PIPELINE_PLURAL,
  Pipeline,
  PipelineDetail,
  PipelineKey,
  PipelineSummary,
  Target,
  TargetState,
} from '@gitops-pipelines/plugin-pipelines-common';
import { createHash } from 'crypto';
import { ManagementClusterConfig } from '../config/readManagementClusters';
import { kubeconfigSecretData, kubeConfigForManagementCluster, kubeConfigFromSecretValue } from '../clusters/kubeConfigs';
import { PipelineChangeListener, PipelineStateReader } from '../state/PipelineStateReader';
import { ResourceWatcher } from '../watch/ResourceWatcher';
import { appState, FluxApp } from './appStatus';
import { buildPipelineDetail, summarize } from './buildPipelineDetail';

const APP_PLURALS: Record<string, string> = {
  HelmRelease: 'helmreleases',
  Kustomization: 'kustomizations',
};

type GitopsCluster = KubernetesObject & {
  spec?: { secretRef?: { name?: string }; capiClusterRef?: { name?: string } };
  status?: { conditions?: Array<{ type?: string; status?: string; message?: string }> };
};
type Secret = KubernetesObject & { data?: Record<string, string> };
/** A Pipeline as watched: not validated yet. */
export type PipelineObject = KubernetesObject & { spec?: Partial<Pipeline['spec']>; status?: Pipeline['status'] };

/** A cluster the pipelines' apps run on, and its app watchers. */
interface TargetConnection {
  key: string;
  /** Hash of the kubeconfig it was made from: a new one replaces the watchers. */
  fingerprint: string;
  kubeConfig: KubeConfig;
  apps: Map<string, ResourceWatcher<FluxApp & KubernetesObject>>;
}

interface ManagementState {
  config: ManagementClusterConfig;
  kubeConfig: KubeConfig;
  pipelines: ResourceWatcher<PipelineObject>;
  gitopsClusters: ResourceWatcher<GitopsCluster>;
  secrets: Map<string, ResourceWatcher<Secret>>;
}

type Resolved =
  | { ok: true; connection: TargetConnection; display: string }
  | { ok: false; state: Omit<TargetState, 'namespace' | 'clusterRef'> };

type ClusterResolver = (m: ManagementState, pipelineNamespace: string | undefined, target: Target) => Resolved;

const keyOf = (k: PipelineKey) => `${k.cluster}/${k.namespace}/${k.name}`;

export interface PipelineCacheOptions {
  clusters: ManagementClusterConfig[];
  /** GitopsCluster `namespace/name` → a cluster configured in Backstage. */
  gitopsClusterMappings?: Map<string, ManagementClusterConfig>;
  logger: LoggerService;
  /** How long to gather watch events before recomputing (ms). */
  debounceMs?: number;
}

/**
 * The watch cache: informers for Pipelines, GitopsClusters and their kubeconfig Secrets
 * on each management cluster, and for the referenced Flux apps on each target cluster.
 * Pipeline state is recomputed after watch events (debounced) and served from memory.
 */
export class PipelineCache implements PipelineStateReader {
  private readonly management = new Map<string, ManagementState>();
  private readonly targets = new Map<string, TargetConnection>();
  private details = new Map<string, PipelineDetail>();
  private readonly listeners = new Set<PipelineChangeListener>();
  private readonly fingerprints = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly logger: LoggerService;
  private readonly debounceMs: number;

  constructor(private readonly options: PipelineCacheOptions) {
    this.logger = options.logger;
    this.debounceMs = options.debounceMs ?? 50;
  }

  start() {
    for (const config of this.options.clusters) {
      const kubeConfig = kubeConfigForManagementCluster(config);
      const watcher = <T extends KubernetesObject>(what: string, apiVersion: string, kind: string, plural: string) =>
        new ResourceWatcher<T>({
          name: `${config.name}/${what}`,
          kubeConfig,
          target: { apiVersion, kind, plural },
          logger: this.logger,
          onChange: () => this.scheduleRefresh(),
        });
      const state: ManagementState = {
        config,
        kubeConfig,
        pipelines: watcher<PipelineObject>('pipelines', PIPELINE_API_VERSION, PIPELINE_KIND, PIPELINE_PLURAL),
        gitopsClusters: watcher<GitopsCluster>(
          'gitopsclusters',
          `${GITOPS_CLUSTER_GROUP}/${GITOPS_CLUSTER_VERSION}`,
          GITOPS_CLUSTER_KIND,
          GITOPS_CLUSTER_PLURAL,
        ),
        secrets: new Map(),
      };
      this.management.set(config.name, state);
      state.pipelines.start();
      state.gitopsClusters.start();
    }
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const all: Array<ResourceWatcher<any>> = [];
    for (const m of this.management.values()) all.push(m.pipelines, m.gitopsClusters, ...m.secrets.values());
    for (const t of this.targets.values()) all.push(...t.apps.values());
    await Promise.all(all.map(w => w.stop()));
  }

  /** Called with the pipelines whose state changed. Returns an unsubscribe function. */
  subscribe(listener: PipelineChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clusters(): ManagementClusterInfo[] {
    return this.options.clusters.map(c => {
      const m = this.management.get(c.name);
      const connected = Boolean(m?.pipelines.connected);
      return { name: c.name, connected, error: connected ? undefined : m?.pipelines.error ?? 'connecting' };
    });
  }

  listPipelines(filter: { cluster?: string; namespace?: string }): PipelineSummary[] {
    const out: PipelineSummary[] = [];
    for (const d of this.details.values()) {
      if (filter.cluster && d.cluster !== filter.cluster) continue;
      if (filter.namespace && d.namespace !== filter.namespace) continue;
      out.push(summarize(d));
    }
    return out.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  }

  getPipeline(key: PipelineKey): PipelineDetail | undefined {
    return this.details.get(keyOf(key));
  }

  /**
   * Pipelines whose stored status differs from the computed one: the `Ready` condition
   * (ignoring lastTransitionTime) or observedGeneration. Invalid pipelines get
   * Ready=False with reason InvalidSpec and every issue in the message.
   */
  statusUpdates(): Array<{ kubeConfig: KubeConfig; key: PipelineKey; status: { observedGeneration?: number; conditions: Condition[] } }> {
    const out = [];
    for (const m of this.management.values()) {
      for (const p of m.pipelines.list()) {
        const key = { cluster: m.config.name, namespace: p.metadata?.namespace ?? '', name: p.metadata?.name ?? '' };
        const detail = this.details.get(keyOf(key));
        if (!detail) continue;
        const computed = detail.conditions.find(c => c.type === CONDITION_READY);
        const stored = p.status?.conditions?.find(c => c.type === CONDITION_READY);
        const same =
          computed &&
          stored &&
          stored.status === computed.status &&
          stored.reason === computed.reason &&
          stored.message === computed.message &&
          stored.observedGeneration === computed.observedGeneration &&
          p.status?.observedGeneration === p.metadata?.generation;
        if (!computed || same) continue;
        const others = (p.status?.conditions ?? []).filter(c => c.type !== CONDITION_READY);
        out.push({
          kubeConfig: m.kubeConfig,
          key,
          status: { observedGeneration: p.metadata?.generation, conditions: [...others, computed] },
        });
      }
    }
    return out;
  }

  /** The stored Pipeline object and its management cluster's KubeConfig (for writes). */
  getPipelineObject(key: PipelineKey): { object: PipelineObject; kubeConfig: KubeConfig } | undefined {
    const m = this.management.get(key.cluster);
    const object = m?.pipelines.get(key.name, key.namespace);
    return m && object ? { object, kubeConfig: m.kubeConfig } : undefined;
  }

  /**
   * A key of a Secret in a namespace the cache watches (where GitopsClusters live, and
   * Pipelines with HMAC keys or pull-request credentials), decoded; undefined when absent.
   */
  getSecretValue(cluster: string, namespace: string, name: string, key: string): string | undefined {
    const encoded = this.management.get(cluster)?.secrets.get(namespace)?.get(name, namespace)?.data?.[key];
    return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
  }

  /**
   * Whether the cache has not yet listed what it needs to answer for a management cluster:
   * its Pipelines, and (with `secretNamespace`) the Secrets of that namespace. A backend that
   * just started says so instead of "not found" (the webhooks answer 503 with Retry-After).
   */
  warmingUp(cluster: string, secretNamespace?: string): boolean {
    const m = this.management.get(cluster);
    if (!m) return false;
    if (!m.pipelines.synced && !m.pipelines.error) return true;
    if (secretNamespace === undefined) return false;
    const secrets = m.secrets.get(secretNamespace);
    return !secrets || (!secrets.synced && !secrets.error);
  }

  /** Resolves after the next recomputation (for tests and start-up measurements). */
  async settled(): Promise<void> {
    while (this.timer) await new Promise(r => setTimeout(r, this.debounceMs));
  }

  private scheduleRefresh() {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      try {
        this.refresh();
      } catch (e) {
        this.logger.error(`Pipeline state refresh failed: ${e}`);
      } finally {
        this.timer = undefined;
      }
    }, this.debounceMs);
  }

  /**
   * Resolves target clusters once per refresh: many targets share a cluster (6,000 targets
   * over 10 clusters in the bench), and the watcher sync and the recomputation both need them.
   */
  private resolverFor(): ClusterResolver {
    const memo = new Map<string, Resolved>();
    return (m, pipelineNamespace, target) => {
      const ref = target.clusterRef;
      const key = `${m.config.name}|${ref ? `${ref.namespace ?? pipelineNamespace ?? 'default'}/${ref.name}` : 'local'}`;
      let resolved = memo.get(key);
      if (!resolved) {
        resolved = this.resolveCluster(m, pipelineNamespace, target);
        memo.set(key, resolved);
      }
      return resolved;
    };
  }

  /** Starts and stops watchers to match what the pipelines reference, then recomputes. */
  private refresh() {
    const resolve = this.resolverFor();
    const wantedTargets = new Map<string, Set<string>>();
    for (const m of this.management.values()) {
      const secretNamespaces = new Set<string>();
      for (const p of m.pipelines.list()) {
        const strategies = [p.spec?.promotion, ...(p.spec?.environments ?? []).map(e => e?.promotion)];
        if (strategies.some(s => s?.strategy?.secretRef || s?.strategy?.['pull-request']) && p.metadata?.namespace) {
          secretNamespaces.add(p.metadata.namespace);
        }
        for (const env of p.spec?.environments ?? []) {
          for (const t of env.targets ?? []) {
            if (t.clusterRef) secretNamespaces.add(t.clusterRef.namespace ?? p.metadata?.namespace ?? 'default');
            const resolved = resolve(m, p.metadata?.namespace, t);
            if (!resolved.ok || !p.spec?.appRef) continue;
            const appKey = `${p.spec.appRef.apiVersion}|${p.spec.appRef.kind}`;
            if (!wantedTargets.has(resolved.connection.key)) wantedTargets.set(resolved.connection.key, new Set());
            wantedTargets.get(resolved.connection.key)!.add(appKey);
            this.ensureAppWatcher(resolved.connection, appKey);
          }
        }
      }
      this.syncSecretWatchers(m, secretNamespaces);
    }
    this.pruneTargets(wantedTargets);
    this.recompute(resolve);
  }

  private syncSecretWatchers(m: ManagementState, namespaces: Set<string>) {
    for (const ns of namespaces) {
      if (m.secrets.has(ns)) continue;
      const w = new ResourceWatcher<Secret>({
        name: `${m.config.name}/secrets/${ns}`,
        kubeConfig: m.kubeConfig,
        target: { apiVersion: 'v1', kind: 'Secret', plural: 'secrets', namespace: ns },
        logger: this.logger,
        onChange: () => this.scheduleRefresh(),
      });
      m.secrets.set(ns, w);
      w.start();
    }
    for (const [ns, w] of m.secrets) {
      if (!namespaces.has(ns)) {
        m.secrets.delete(ns);
        void w.stop();
      }
    }
  }

  private ensureAppWatcher(connection: TargetConnection, appKey: string) {
    if (connection.apps.has(appKey)) return;
    const [apiVersion, kind] = appKey.split('|');
    const plural = APP_PLURALS[kind];
    if (!plural) return;
    const w = new ResourceWatcher<FluxApp & KubernetesObject>({
      name: `${connection.key}/${plural}`,
      kubeConfig: connection.kubeConfig,
      target: { apiVersion, kind, plural },
      logger: this.logger,
      onChange: () => this.scheduleRefresh(),
    });
    connection.apps.set(appKey, w);
    w.start();
  }

  private pruneTargets(wanted: Map<string, Set<string>>) {
    for (const [key, connection] of this.targets) {
      const kinds = wanted.get(key);
      for (const [appKey, w] of connection.apps) {
        if (!kinds?.has(appKey)) {
          connection.apps.delete(appKey);
          void w.stop();
        }
      }
      if (!kinds) this.targets.delete(key);
    }
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

  private connection(key: string, fingerprint: string, makeKubeConfig: () => KubeConfig): TargetConnection {
    const existing = this.targets.get(key);
    if (existing && existing.fingerprint === fingerprint) return existing;
    if (existing) {
      this.logger.info(`Credentials of target cluster ${key} changed: reconnecting`);
      for (const w of existing.apps.values()) void w.stop();
    }
    const connection: TargetConnection = { key, fingerprint, kubeConfig: makeKubeConfig(), apps: new Map() };
    this.targets.set(key, connection);
    return connection;
  }

  /** Where a target's app runs: the management cluster itself, or a GitopsCluster's kubeconfig. */
  private resolveCluster(m: ManagementState, pipelineNamespace: string | undefined, target: Target): Resolved {
    const mgmt = m.config.name;
    if (!target.clusterRef) {
      return {
        ok: true,
        connection: this.connection(`${mgmt}#local`, 'local', () => m.kubeConfig),
        display: `${mgmt} (local)`,
      };
    }
    const ns = target.clusterRef.namespace ?? pipelineNamespace ?? 'default';
    const display = `${ns}/${target.clusterRef.name}`;
    const notReady = (message: string): Resolved => ({
      ok: false,
      state: { cluster: display, health: 'cluster-not-ready', appFound: false, message },
    });
    if (!m.gitopsClusters.synced) return notReady(m.gitopsClusters.error ?? 'connecting to the management cluster');
    const gc = m.gitopsClusters.get(target.clusterRef.name, ns);
    if (!gc) {
      return {
        ok: false,
        state: { cluster: display, health: 'cluster-not-found', appFound: false, message: `GitopsCluster ${display} not found` },
      };
    }
    const ready = gc.status?.conditions?.find(c => c.type === CONDITION_READY);
    if (ready && ready.status !== 'True') {
      return notReady(`GitopsCluster ${display} is not ready${ready.message ? `: ${ready.message}` : ''}`);
    }
    // Weave GitOps' cluster controller reports whether it can reach the cluster.
    const connectivity = gc.status?.conditions?.find(c => c.type === 'ClusterConnectivity');
    if (connectivity?.status === 'False') {
      return notReady(`GitopsCluster ${display} cannot be reached${connectivity.message ? `: ${connectivity.message}` : ''}`);
    }
    const mapped = this.options.gitopsClusterMappings?.get(display);
    if (mapped) {
      return {
        ok: true,
        connection: this.connection(`${mgmt}#gc:${display}`, `config:${mapped.name}`, () => kubeConfigForManagementCluster(mapped)),
        display,
      };
    }
    const secretName = gc.spec?.secretRef?.name ?? (gc.spec?.capiClusterRef?.name ? `${gc.spec.capiClusterRef.name}-kubeconfig` : undefined);
    if (!secretName) return notReady(`GitopsCluster ${display} has neither secretRef nor capiClusterRef`);
    const secrets = m.secrets.get(ns);
    if (!secrets?.synced) return notReady(secrets?.error ? `cannot read Secrets in ${ns}: ${secrets.error}` : 'reading the kubeconfig Secret');
    const secret = secrets.get(secretName, ns);
    if (!secret) return notReady(`kubeconfig Secret ${ns}/${secretName} not found`);
    let encoded: string;
    try {
      encoded = kubeconfigSecretData(secret.data, { secret: `${ns}/${secretName}`, capi: !gc.spec?.secretRef?.name });
    } catch (e) {
      return notReady((e as Error).message);
    }
    const fingerprint = this.fingerprint(`${ns}/${secretName}@${secret.metadata?.resourceVersion}`, encoded);
    try {
      const connection = this.connection(`${mgmt}#gc:${display}`, fingerprint, () =>
        kubeConfigFromSecretValue(Buffer.from(encoded, 'base64').toString('utf8')),
      );
      return { ok: true, connection, display };
    } catch (e) {
      return notReady(`kubeconfig Secret ${ns}/${secretName}: ${(e as Error).message}`);
    }
  }

  private resolveTarget(m: ManagementState, pipeline: Pipeline, target: Target, resolve: ClusterResolver): TargetState {
    const base = { namespace: target.namespace, clusterRef: target.clusterRef };
    const resolved = resolve(m, pipeline.metadata.namespace, target);
    if (!resolved.ok) return { ...base, ...resolved.state };
    const { appRef } = pipeline.spec;
    const watcher = resolved.connection.apps.get(`${appRef.apiVersion}|${appRef.kind}`);
    const cluster = resolved.display;
    if (!watcher) {
      return { ...base, cluster, health: 'unknown', appFound: false, message: `${appRef.kind} is not a supported app kind` };
    }
    if (!watcher.connected) {
      if (!watcher.synced && !watcher.error) {
        return { ...base, cluster, health: 'unknown', appFound: false, message: 'connecting to the cluster' };
      }
      return { ...base, cluster, health: 'cluster-not-ready', appFound: false, message: `cluster unreachable: ${watcher.error}` };
    }
    const app = watcher.get(appRef.name, target.namespace);
    if (!app) {
      return {
        ...base,
        cluster,
        health: 'app-missing',
        appFound: false,
        message: `${appRef.kind} ${appRef.name} not found in namespace ${target.namespace}`,
      };
    }
    return { ...base, cluster, appFound: true, ...appState(app) };
  }

  private recompute(resolve: ClusterResolver) {
    const next = new Map<string, PipelineDetail>();
    const changed: PipelineDetail[] = [];
    for (const m of this.management.values()) {
      for (const p of m.pipelines.list()) {
        const key = { cluster: m.config.name, namespace: p.metadata?.namespace ?? '', name: p.metadata?.name ?? '' };
        const id = keyOf(key);
        const previous = this.details.get(id);
        const previousReady =
          previous?.conditions.find(c => c.type === CONDITION_READY) ??
          p.status?.conditions?.find(c => c.type === CONDITION_READY);
        const detail = buildPipelineDetail(key, p, (pl, t) => this.resolveTarget(m, pl, t, resolve), previousReady);
        next.set(id, detail);
        if (!previous || JSON.stringify(previous) !== JSON.stringify(detail)) changed.push(detail);
      }
    }
    const removed = [...this.details.entries()].filter(([id]) => !next.has(id)).map(([, d]) => ({ cluster: d.cluster, namespace: d.namespace, name: d.name }));
    this.details = next;
    if (changed.length || removed.length) {
      for (const l of this.listeners) l(changed, removed);
    }
  }
}
