import type { PipelineKey } from './api';

/**
 * Durations, in seconds, of the events a metric counts: how many, their median and 90th
 * percentile (linear interpolation between closest ranks, R-7, as simple-statistics' `quantileSorted`). No median without events.
 * @public
 */
export interface DurationSummary {
  count: number;
  medianSeconds?: number;
  p90Seconds?: number;
}

/**
 * Delivery metrics of one environment over a window, from the promotion ledger (definitions
 * in the backend README, after DORA's four keys).
 * @public
 */
export interface EnvironmentDeliveryMetrics {
  environment: string;
  /** Promotions into the environment that reached `deployed` in the window. */
  deployments: number;
  /** `deployments` per 7 days of the window. */
  deploymentsPerWeek: number;
  /** Request → deployed, for the window's deployments. */
  leadTime: DurationSummary;
  /** Promotions into the environment that ended `failed` in the window. */
  failures: number;
  /** Rollbacks into the environment requested in the window. */
  rollbacks: number;
  /** (failures + rollbacks) / deployments; absent without deployments. */
  changeFailureRate?: number;
  /** From a failure or rollback to the next deployment into the environment. */
  timeToRestore: DurationSummary;
}

/** Deployments and failures of one UTC day and environment, for charts. @public */
export interface DailyDeliveryCount {
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  environment: string;
  deployments: number;
  failures: number;
}

/**
 * Response of `GET /v1/pipelines/{cluster}/{namespace}/{name}/metrics?window=30d`.
 * @public
 */
export interface DeliveryMetrics {
  pipeline: PipelineKey;
  /** The window as asked, e.g. `30d` or `12h`. */
  window: string;
  /** The window's start and end (now), ISO 8601. */
  from: string;
  to: string;
  /** The environments promotions go into, in pipeline order (the first one is fed by Flux). */
  environments: EnvironmentDeliveryMetrics[];
  /**
   * For versions deployed into the last environment in the window: from the version's first
   * promotion out of the first environment (it ran there) to its deployment into the last.
   */
  leadTimeFirstToLast: DurationSummary;
  daily: DailyDeliveryCount[];
}

/** Response of `GET /v1/entity/{kind}/{namespace}/{name}/metrics`: one entry per linked pipeline found. @public */
export interface EntityDeliveryMetricsResponse {
  entityRef: string;
  items: DeliveryMetrics[];
}
