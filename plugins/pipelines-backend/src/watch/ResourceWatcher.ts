import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Informer,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  ObjectCache,
  makeInformer,
} from '@kubernetes/client-node';
import type { PipelinesMetrics } from '../metrics/PipelinesMetrics';

/** Which object a watch event was about. */
export interface WatchedObjectRef {
  namespace?: string;
  name?: string;
}

/** What to watch: a resource type, cluster-wide or in one namespace. */
export interface WatchTarget {
  apiVersion: string;
  kind: string;
  plural: string;
  namespace?: string;
}

export interface ResourceWatcherOptions<
  T extends KubernetesObject = KubernetesObject,
> {
  /** For logs: e.g. `management/pipelines`. Never contains credentials. */
  name: string;
  kubeConfig: KubeConfig;
  target: WatchTarget;
  logger: LoggerService;
  /**
   * Called after every change the watch delivers, with the object's namespace and name, and
   * without them after the watcher's own state changed ((re)connected, failed): then anything
   * it holds may have changed.
   */
  onChange: (object?: WatchedObjectRef) => void;
  backoff?: { initialMs: number; maxMs: number };
  /** Cuts each watched object down further, in place (after managedFields are dropped). */
  slim?: (obj: T) => void;
  /** Counts watch events and reconnects under this cluster name. */
  metrics?: { recorder: PipelinesMetrics; cluster: string };
}

function resourcePath(t: WatchTarget): string {
  const prefix = t.apiVersion.includes('/')
    ? `/apis/${t.apiVersion}`
    : `/api/${t.apiVersion}`;
  return `${prefix}/${t.namespace ? `namespaces/${t.namespace}/` : ''}${
    t.plural
  }`;
}

function describeError(err: unknown): string {
  const e = err as any;
  if (!e) return 'watch ended';
  if (typeof e.code === 'number' || typeof e.statusCode === 'number') {
    const code = e.code ?? e.statusCode;
    const reason = (() => {
      try {
        return JSON.parse(e.body)?.message;
      } catch {
        return undefined;
      }
    })();
    return `HTTP ${code}${reason ? `: ${reason}` : ''}`;
  }
  // A watch stream cut short (the API server stopped or restarted, a proxy dropped it):
  // node-fetch's own words, "Premature close", say nothing to a reader.
  if (e.code === 'ERR_STREAM_PREMATURE_CLOSE')
    return 'the API server closed the connection';
  // node-fetch: "request to <url> failed, reason: connect ECONNREFUSED …": the URL (with the
  // watch's resourceVersion) is noise in a target's message; the reason is what matters.
  return String(e.message ?? e)
    .split('\n')[0]
    .replace(/^request to \S+ failed, reason: /, '');
}

/**
 * Drops what no reader of the cache uses from a watched object, in place (the informer keeps
 * the object it handed to the event handlers): `metadata.managedFields` (server-side apply
 * bookkeeping, often larger than the rest) and kubectl's last-applied-configuration
 * annotation (a second copy of the object).
 */
function slim(obj: KubernetesObject | undefined) {
  const meta = obj?.metadata;
  if (!meta) return;
  delete meta.managedFields;
  if (
    meta.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] !==
    undefined
  ) {
    delete meta.annotations['kubectl.kubernetes.io/last-applied-configuration'];
  }
}

/**
 * One informer (list + watch) of one resource type on one cluster, kept in memory.
 * The informer re-lists by itself on 410 Gone; on any other error this marks itself
 * disconnected, keeps the last known objects, and restarts with exponential backoff.
 */
export class ResourceWatcher<T extends KubernetesObject = KubernetesObject> {
  private readonly informer: Informer<T> & ObjectCache<T>;
  private readonly backoff: { initialMs: number; maxMs: number };
  private retryMs: number;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;
  private state: { connected: boolean; synced: boolean; error?: string } = {
    connected: false,
    synced: false,
  };

  constructor(private readonly options: ResourceWatcherOptions<T>) {
    const { kubeConfig, target } = options;
    const client = KubernetesObjectApi.makeApiClient(kubeConfig);
    this.informer = makeInformer<T>(
      kubeConfig,
      resourcePath(target),
      () =>
        client.list(target.apiVersion, target.kind, target.namespace) as any,
    );
    this.backoff = options.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    this.retryMs = this.backoff.initialMs;
    const metrics = options.metrics;
    const changed = (type: 'add' | 'update' | 'delete') => (obj: T) => {
      metrics?.recorder.watchEvent(metrics.cluster, target.kind, type);
      slim(obj);
      if (obj) options.slim?.(obj);
      const wasConnected = this.state.connected;
      if (!wasConnected) this.markConnected();
      options.onChange(
        wasConnected
          ? { namespace: obj?.metadata?.namespace, name: obj?.metadata?.name }
          : undefined,
      );
    };
    this.informer.on('add', changed('add'));
    this.informer.on('update', changed('update'));
    this.informer.on('delete', changed('delete'));
    this.informer.on('error', err => this.onError(err));
  }

  get connected() {
    return this.state.connected;
  }

  /** True once a first list has completed (the cache holds a full picture). */
  get synced() {
    return this.state.synced;
  }

  get error() {
    return this.state.error;
  }

  get(name: string, namespace?: string): T | undefined {
    return this.informer.get(name, namespace);
  }

  /** How many objects the watcher holds. */
  get size(): number {
    return this.informer.list().length;
  }

  list(namespace?: string): readonly T[] {
    return this.informer.list(namespace);
  }

  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.informer.stop().catch(() => undefined);
  }

  private async connect() {
    if (this.stopped) return;
    const before = this.state.error;
    this.state.error = undefined;
    try {
      await this.informer.start();
    } catch (err) {
      this.onError(err);
      return;
    }
    // start() resolves after the list even when it failed (reported through 'error').
    if (!this.state.error && !this.stopped) {
      this.markConnected();
      if (before) {
        this.options.logger.info(`Watch ${this.options.name} reconnected`);
        const metrics = this.options.metrics;
        metrics?.recorder.watchReconnect(
          metrics.cluster,
          this.options.target.kind,
        );
      }
      this.options.onChange();
    }
  }

  private markConnected() {
    this.state = { connected: true, synced: true };
    this.retryMs = this.backoff.initialMs;
  }

  private onError(err: unknown) {
    if (this.stopped) return;
    const message = describeError(err);
    const wasConnected = this.state.connected;
    this.state = {
      connected: false,
      synced: this.state.synced,
      error: message,
    };
    if (wasConnected || this.retryMs === this.backoff.initialMs) {
      this.options.logger.warn(
        `Watch ${this.options.name} failed (${message}); retrying with backoff`,
      );
    }
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, this.backoff.maxMs);
    this.options.onChange();
  }
}
