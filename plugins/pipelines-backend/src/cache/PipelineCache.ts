import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'util';
import {
  Condition,
  CONDITION_READY,
  ManagementClusterInfo,
  PipelineDetail,
  PipelineKey,
  PipelineSummary,
} from '@gitops-pipelines/plugin-pipelines-common';
import type {
  Pipeline,
  ValidationIssue,
} from '@gitops-pipelines/plugin-pipelines-common';
import { ClusterResolver, TargetClusters } from '../clusters/TargetClusters';
import { ManagementClusterConfig } from '../config/readManagementClusters';
import type { TargetClusterSettings } from '../config/readClusterSettings';
import {
  PipelineChangeListener,
  PipelineStateReader,
} from '../state/PipelineStateReader';
import type { PipelinesMetrics } from '../metrics/PipelinesMetrics';
import {
  ManagementWatchers,
  PipelineObject,
} from '../watch/ManagementWatchers';
import { AppIndex } from './AppIndex';
import { buildPipelineDetail, summarize } from './buildPipelineDetail';
import { withConditions } from './withConditions';
import { targetState } from './targetState';
import { validationCache, withSpecCheck } from './validationCache';

export type { PipelineObject } from '../watch/ManagementWatchers';

const keyOf = (k: PipelineKey) => `${k.cluster}/${k.namespace}/${k.name}`;

export interface PipelineCacheOptions {
  clusters: ManagementClusterConfig[];
  /** GitopsCluster `namespace/name` → a cluster configured in Backstage. */
  gitopsClusterMappings?: Map<string, ManagementClusterConfig>;
  /** How far targets may reach (`pipelines.clusters.*`); default: the safe defaults. */
  targetClusters?: TargetClusterSettings;
  logger: LoggerService;
  /** How long to gather watch events before recomputing (ms). */
  debounceMs?: number;
  /**
   * The namespaces whose Secrets the promotion side reads for a Pipeline (credentials, HMAC
   * keys): the cache watches them and serves `getSecretValue`, without knowing why. Default:
   * none (the cache itself watches only the GitopsClusters' namespaces).
   */
  secretNamespaces?: (pipeline: PipelineObject) => string[];
  /**
   * More conditions for a Pipeline's detail (e.g. the webhooks' signing problems), computed
   * with each recomputation, without the cache knowing what they mean. Default: none.
   */
  extraConditions?: (
    pipeline: PipelineObject,
    /** A key of a Secret on the Pipeline's management cluster, as `getSecretValue`. */
    secret: (
      namespace: string,
      name: string,
      key: string,
    ) => string | undefined,
  ) => Array<Omit<Condition, 'lastTransitionTime'>>;
  /** Where watch events, recomputations and cached objects are counted. */
  metrics?: PipelinesMetrics;
  /**
   * More checks of a valid Pipeline (the pull-request urls against the known forges): their
   * issues make it invalid (`InvalidSpec`, with every message).
   */
  checkSpec?: (pipeline: Pipeline) => ValidationIssue[];
}

/**
 * The status model over the watch cache: management-cluster watches (`watch/`), target
 * clusters and their app watches (`clusters/`), and each Pipeline's state recomputed after
 * watch events (debounced) and served from memory.
 */
export class PipelineCache implements PipelineStateReader {
  private readonly management = new Map<string, ManagementWatchers>();
  private readonly targets: TargetClusters;
  private details = new Map<string, PipelineDetail>();
  /** Each detail's summary (a detail that did not change keeps its object), and all of them sorted. */
  private summaries = new WeakMap<PipelineDetail, PipelineSummary>();
  private sorted?: PipelineSummary[];
  /** What the next recomputation covers: everything, or the pipelines app events affected. */
  private dirty: Set<string> | 'all' = 'all';
  private appIndex = new AppIndex();
  private readonly listeners = new Set<PipelineChangeListener>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly logger: LoggerService;
  private readonly debounceMs: number;
  private readonly validate: ReturnType<typeof validationCache>;
  /** Recomputations so far: full ones, partial ones (after app events), pipelines computed in all. */
  readonly stats = { full: 0, partial: 0, pipelines: 0 };

  constructor(private readonly options: PipelineCacheOptions) {
    this.logger = options.logger;
    this.debounceMs = options.debounceMs ?? 50;
    this.validate = validationCache(withSpecCheck(options.checkSpec));
    this.targets = new TargetClusters({
      logger: options.logger,
      gitopsClusterMappings: options.gitopsClusterMappings,
      settings: options.targetClusters,
      onAppChange: (connection, appKey, object) => {
        if (this.dirty !== 'all')
          for (const id of this.appIndex.affected(connection, appKey, object))
            this.dirty.add(id);
        this.scheduleRefresh();
      },
      metrics: options.metrics,
    });
    options.metrics?.observeCachedObjects(() => [
      ...[...this.management.values()].flatMap(m => m.objectCounts()),
      ...this.targets.objectCounts(),
    ]);
  }

  start() {
    for (const config of this.options.clusters) {
      const m = new ManagementWatchers(
        config,
        this.logger,
        () => {
          // Pipelines, GitopsClusters, Secrets: targets and watchers may change — recompute all.
          this.dirty = 'all';
          this.scheduleRefresh();
        },
        this.options.metrics,
      );
      this.management.set(config.name, m);
      m.start();
    }
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([
      ...[...this.management.values()].map(m => m.stop()),
      this.targets.stop(),
    ]);
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
      return {
        name: c.name,
        connected,
        error: connected ? undefined : m?.pipelines.error ?? 'connecting',
      };
    });
  }

  /**
   * Summaries sorted by cluster, namespace and name. Without a filter the same array is
   * returned until a pipeline changes (callers must not modify it), so a route can reuse
   * what it made of it.
   */
  listPipelines(filter: {
    cluster?: string;
    namespace?: string;
  }): PipelineSummary[] {
    this.sorted ??= [...this.details.values()]
      .map(
        d =>
          this.summaries.get(d) ?? this.summaries.set(d, summarize(d)).get(d)!,
      )
      .sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
    if (!filter.cluster && !filter.namespace) return this.sorted;
    return this.sorted.filter(
      d =>
        (!filter.cluster || d.cluster === filter.cluster) &&
        (!filter.namespace || d.namespace === filter.namespace),
    );
  }

  getPipeline(key: PipelineKey): PipelineDetail | undefined {
    return this.details.get(keyOf(key));
  }

  /**
   * Pipelines whose stored status differs from the computed one: the `Ready` condition
   * (ignoring lastTransitionTime) or observedGeneration. Invalid pipelines get
   * Ready=False with reason InvalidSpec and every issue in the message.
   */
  statusUpdates(): Array<{
    kubeConfig: KubeConfig;
    key: PipelineKey;
    status: { observedGeneration?: number; conditions: Condition[] };
  }> {
    const out = [];
    for (const m of this.management.values()) {
      for (const p of m.pipelines.list()) {
        const key = {
          cluster: m.config.name,
          namespace: p.metadata?.namespace ?? '',
          name: p.metadata?.name ?? '',
        };
        const detail = this.details.get(keyOf(key));
        if (!detail) continue;
        const computed = detail.conditions.find(
          c => c.type === CONDITION_READY,
        );
        const stored = p.status?.conditions?.find(
          c => c.type === CONDITION_READY,
        );
        const same =
          computed &&
          stored &&
          stored.status === computed.status &&
          stored.reason === computed.reason &&
          stored.message === computed.message &&
          stored.observedGeneration === computed.observedGeneration &&
          p.status?.observedGeneration === p.metadata?.generation;
        if (!computed || same) continue;
        const others = (p.status?.conditions ?? []).filter(
          c => c.type !== CONDITION_READY,
        );
        out.push({
          kubeConfig: m.kubeConfig,
          key,
          status: {
            observedGeneration: p.metadata?.generation,
            conditions: [...others, computed],
          },
        });
      }
    }
    return out;
  }

  /** The stored Pipeline object and its management cluster's KubeConfig (for writes). */
  getPipelineObject(
    key: PipelineKey,
  ): { object: PipelineObject; kubeConfig: KubeConfig } | undefined {
    const m = this.management.get(key.cluster);
    const object = m?.pipelines.get(key.name, key.namespace);
    return m && object ? { object, kubeConfig: m.kubeConfig } : undefined;
  }

  /**
   * A key of a Secret in a namespace the cache watches (where GitopsClusters live, and
   * Pipelines with HMAC keys or pull-request credentials), decoded; undefined when absent.
   */
  getSecretValue(
    cluster: string,
    namespace: string,
    name: string,
    key: string,
  ): string | undefined {
    return this.management.get(cluster)?.secretValue(namespace, name, key);
  }

  /**
   * Whether the cache has not yet listed what it needs to answer for a management cluster:
   * its Pipelines, and (with `secretNamespace`) the Secrets of that namespace. A backend that
   * just started says so instead of "not found" (the webhooks answer 503 with Retry-After).
   */
  warmingUp(cluster: string, secretNamespace?: string): boolean {
    return this.management.get(cluster)?.warmingUp(secretNamespace) ?? false;
  }

  /** Resolves after the next recomputation (for tests and start-up measurements). */
  async settled(): Promise<void> {
    while (this.timer) await new Promise(r => setTimeout(r, this.debounceMs));
  }

  private scheduleRefresh() {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      const dirty = this.dirty;
      this.dirty = new Set();
      try {
        if (dirty === 'all') this.refresh();
        else if (dirty.size) this.recompute(this.targets.resolver(), dirty);
      } catch (e) {
        this.dirty = 'all';
        this.logger.error(`Pipeline state refresh failed: ${e}`);
      } finally {
        this.timer = undefined;
      }
    }, this.debounceMs);
  }

  /** Starts and stops watchers to match what the pipelines reference, then recomputes. */
  private refresh() {
    const resolve = this.targets.resolver();
    const wantedTargets = new Map<string, Set<string>>();
    for (const m of this.management.values()) {
      const secretNamespaces = new Set<string>();
      for (const p of m.pipelines.list()) {
        for (const ns of this.options.secretNamespaces?.(p) ?? [])
          secretNamespaces.add(ns);
        // An invalid Pipeline (over the caps, a refused url, …) starts no watch: what it
        // names is not read until it is fixed, so a hostile one costs nothing but its row.
        if (!this.validate(p).valid) continue;
        for (const env of p.spec?.environments ?? []) {
          for (const t of env.targets ?? []) {
            const secretNs = this.targets.secretNamespace(
              p.metadata?.namespace,
              t,
            );
            if (secretNs) secretNamespaces.add(secretNs);
            const resolved = resolve(m, p.metadata?.namespace, t);
            if (!resolved.ok || !p.spec?.appRef) continue;
            const appKey = `${p.spec.appRef.apiVersion}|${p.spec.appRef.kind}`;
            if (!wantedTargets.has(resolved.connection.key))
              wantedTargets.set(resolved.connection.key, new Set());
            wantedTargets.get(resolved.connection.key)!.add(appKey);
            this.targets.watchApps(resolved.connection, appKey);
          }
        }
      }
      m.watchSecretsIn(secretNamespaces);
    }
    this.targets.prune(wantedTargets);
    this.recompute(resolve);
  }

  /**
   * Recomputes every pipeline (`only` undefined: the index is rebuilt, removed pipelines
   * reported) or just `only` (ids of pipelines an app event affected). Validation is cached
   * per Pipeline generation; a detail counts as changed when it is not deeply equal to the
   * previous one (`util.isDeepStrictEqual`, which stops at the first difference), and an
   * unchanged pipeline keeps its previous object.
   */
  private recompute(resolve: ClusterResolver, only?: ReadonlySet<string>) {
    const started = performance.now();
    const next = only ? this.details : new Map<string, PipelineDetail>();
    this.stats[only ? 'partial' : 'full']++;
    if (!only) this.appIndex = new AppIndex();
    const changed: PipelineDetail[] = [];
    const pipelines = only
      ? [...only].flatMap(id => {
          const d = this.details.get(id);
          const m = d && this.management.get(d.cluster);
          const p = d && m?.pipelines.get(d.name, d.namespace);
          return m && p ? [{ m, p }] : [];
        })
      : [...this.management.values()].flatMap(m =>
          m.pipelines.list().map(p => ({ m, p })),
        );
    this.stats.pipelines += pipelines.length;
    for (const { m, p } of pipelines) {
      const key = {
        cluster: m.config.name,
        namespace: p.metadata?.namespace ?? '',
        name: p.metadata?.name ?? '',
      };
      const id = keyOf(key);
      const previous = this.details.get(id);
      const previousReady =
        previous?.conditions.find(c => c.type === CONDITION_READY) ??
        p.status?.conditions?.find(c => c.type === CONDITION_READY);
      const built = buildPipelineDetail(
        key,
        p,
        (pl, t) =>
          targetState(
            m,
            pl,
            t,
            resolve,
            (connection, appKey, namespace, name) =>
              this.appIndex.add(id, connection, appKey, namespace, name),
          ),
        previousReady,
        this.validate,
      );
      const detail = withConditions(
        built,
        this.options.extraConditions?.(p, (ns, name, k) =>
          this.getSecretValue(key.cluster, ns, name, k),
        ) ?? [],
        previous,
      );
      if (previous && isDeepStrictEqual(previous, detail)) {
        next.set(id, previous);
      } else {
        next.set(id, detail);
        changed.push(detail);
      }
    }
    const removed = only
      ? []
      : [...this.details.entries()]
          .filter(([id]) => !next.has(id))
          .map(([, d]) => ({
            cluster: d.cluster,
            namespace: d.namespace,
            name: d.name,
          }));
    this.details = next;
    this.options.metrics?.recompute(
      only ? 'partial' : 'full',
      performance.now() - started,
      pipelines.length,
    );
    if (changed.length || removed.length) {
      this.sorted = undefined;
      for (const l of this.listeners) l(changed, removed);
    }
  }
}
