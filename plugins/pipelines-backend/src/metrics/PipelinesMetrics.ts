import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import type { PromotionRecord } from '@gitops-pipelines/plugin-pipelines-common';

/** The numbers of objects the watch cache holds, per cluster and kind. */
export type CachedObjectCounts = () => Array<{
  cluster: string;
  kind: string;
  count: number;
}>;

/**
 * The plugin's OpenTelemetry metrics, emitted through Backstage's MetricsService (meter
 * `backstage-plugin-pipelines`; the backend's OpenTelemetry SDK exports them, e.g. to
 * Prometheus, where dots become underscores and counters end in `_total`). Durations are in seconds,
 * as OpenTelemetry's semantic conventions ask. Attributes are low-cardinality: clusters,
 * kinds, states, triggers, forges — never pipeline names or versions.
 *
 * | Instrument | Kind | Attributes |
 * |---|---|---|
 * | `pipelines.watch.events` | counter | cluster, kind, type (add/update/delete) |
 * | `pipelines.watch.reconnects` | counter | cluster, kind |
 * | `pipelines.cache.recompute.duration` | histogram, s | scope (full/partial) |
 * | `pipelines.cache.recompute.pipelines` | counter | scope |
 * | `pipelines.cache.objects` | observable gauge | cluster, kind |
 * | `pipelines.promotions` | counter: promotions entering a state | state, trigger |
 * | `pipelines.promotion.duration` | histogram, s: request → deployed | trigger |
 * | `pipelines.forge.requests` | counter | forge, operation, outcome (ok, or the HTTP status / `error`) |
 * | `pipelines.forge.rate_limit.remaining` | gauge | forge |
 */
export class PipelinesMetrics {
  private readonly watchEvents;
  private readonly watchReconnects;
  private readonly recomputeDuration;
  private readonly recomputePipelines;
  private readonly promotions;
  private readonly promotionDuration;
  private readonly forgeRequests;
  private readonly rateLimitRemaining;
  private readonly objects;

  constructor(metrics: MetricsService) {
    this.watchEvents = metrics.createCounter('pipelines.watch.events', {
      description: 'Watch events received, per cluster and kind',
    });
    this.watchReconnects = metrics.createCounter('pipelines.watch.reconnects', {
      description: 'Watches re-established after a failure',
    });
    this.recomputeDuration = metrics.createHistogram(
      'pipelines.cache.recompute.duration',
      {
        description: 'Time to recompute pipeline state after watch events',
        unit: 's',
        advice: {
          explicitBucketBoundaries: [
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
            2.5,
          ],
        },
      },
    );
    this.recomputePipelines = metrics.createCounter(
      'pipelines.cache.recompute.pipelines',
      { description: 'Pipelines recomputed' },
    );
    this.promotions = metrics.createCounter('pipelines.promotions', {
      description:
        'Promotions entering a state (requested, queued, deployed, failed, …)',
    });
    this.promotionDuration = metrics.createHistogram(
      'pipelines.promotion.duration',
      {
        description: 'Time from the request of a promotion to its deployment',
        unit: 's',
        // Seconds to days: a promotion waits for approvals and merges.
        advice: {
          explicitBucketBoundaries: [
            1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400,
            259200,
          ],
        },
      },
    );
    this.forgeRequests = metrics.createCounter('pipelines.forge.requests', {
      description: 'Requests to Git forges (pull requests)',
    });
    this.rateLimitRemaining = metrics.createGauge(
      'pipelines.forge.rate_limit.remaining',
      {
        description:
          "Requests left in the forge's rate-limit window, as last reported",
      },
    );
    this.objects = metrics.createObservableGauge('pipelines.cache.objects', {
      description: 'Objects held by the watch cache',
    });
  }

  watchEvent(cluster: string, kind: string, type: 'add' | 'update' | 'delete') {
    this.watchEvents.add(1, { cluster, kind, type });
  }

  watchReconnect(cluster: string, kind: string) {
    this.watchReconnects.add(1, { cluster, kind });
  }

  /** One recomputation: how long it took (ms) and how many pipelines it covered. */
  recompute(scope: 'full' | 'partial', durationMs: number, pipelines: number) {
    this.recomputeDuration.record(durationMs / 1000, { scope });
    this.recomputePipelines.add(pipelines, { scope });
  }

  /** A promotion entered `record.state`; a deployment also records request → deployed. */
  promotion(record: PromotionRecord) {
    this.promotions.add(1, { state: record.state, trigger: record.trigger });
    if (record.state === 'deployed') {
      const seconds =
        (Date.parse(record.endedAt ?? record.updatedAt) -
          Date.parse(record.createdAt)) /
        1000;
      if (seconds >= 0)
        this.promotionDuration.record(seconds, { trigger: record.trigger });
    }
  }

  forgeRequest(forge: string, operation: string, outcome: string) {
    this.forgeRequests.add(1, { forge, operation, outcome });
  }

  rateLimit(forge: string, remaining: number) {
    this.rateLimitRemaining.record(remaining, { forge });
  }

  /** Reports the cache's object counts at each collection. */
  observeCachedObjects(counts: CachedObjectCounts) {
    this.objects.addCallback(result => {
      for (const c of counts())
        result.observe(c.count, { cluster: c.cluster, kind: c.kind });
    });
  }
}
