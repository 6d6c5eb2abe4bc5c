import type {
  EnvironmentHold,
  PipelineKey,
  PromotionApproval,
  PromotionEvent,
  PromotionEventType,
  PromotionRecord,
  PromotionState,
  PromotionTrigger,
} from '@gitops-pipelines/plugin-pipelines-common';

/** What is needed to record a new promotion request. */
export interface NewPromotion {
  pipeline: PipelineKey;
  fromEnvironment?: string;
  toEnvironment: string;
  version: string;
  trigger: PromotionTrigger;
  requestedBy: string;
  state: Extract<PromotionState, 'waiting-approval' | 'queued'>;
  strategy: PromotionRecord['strategy'];
  retryOf?: string;
  /** Distinct approvers needed (manual promotions); default 1. */
  requiredApprovals?: number;
}

/** An entry for a promotion's event log. */
/** The actor of the events the backend itself writes (started, superseded, attempts, rollouts). */
export const ENGINE_ACTOR = 'pipelines:engine';

export interface NewPromotionEvent {
  type: PromotionEventType;
  message: string;
  actor?: string;
  /**
   * At most one event with this type and message per promotion: a second append (another
   * replica settling the same rollout) is ignored, by a unique key in the database.
   */
  once?: boolean;
}

/** Column changes that go with a state transition. */
export interface PromotionChanges {
  approval?: PromotionApproval;
  error?: string | null;
  pullRequestUrl?: string;
  pullRequestNumber?: number;
  pullRequestEtag?: string | null;
  /** When the pull request is polled next (`awaiting-merge`). */
  nextCheckAt?: Date;
  mergedBy?: string;
  mergedAt?: Date;
  deployedAt?: Date;
  headSha?: string;
}

/** The outcome of {@link PromotionStore.takeEnvironment}. */
export type TakeEnvironmentResult =
  /** The row is `running` now; `replaced` is the in-flight row it superseded. */
  | { taken: true; record: PromotionRecord; replaced?: PromotionRecord }
  /** The row was superseded: `holder` keeps the environment. */
  | { taken: false; record?: PromotionRecord; holder?: PromotionRecord };

/**
 * The ledger: the only code that reads or writes the `promotions` and `promotion_events`
 * tables. Rows are unique among active states per (pipeline, environment, version), and
 * at most one row per (pipeline, environment) is in flight (running, awaiting-merge,
 * rolling-out) — both enforced by unique keys in the database, so they hold across replicas.
 */
export interface PromotionStore {
  /**
   * Records a promotion with a `requested` event. An active row for the same pipeline,
   * environment and version makes this a no-op that returns that row with `created: false`.
   */
  create(
    promotion: NewPromotion,
    event: NewPromotionEvent,
  ): Promise<{ record: PromotionRecord; created: boolean }>;
  get(id: string): Promise<PromotionRecord | undefined>;
  /** The active row for a version, if any. */
  findActive(
    pipeline: PipelineKey,
    toEnvironment: string,
    version: string,
  ): Promise<PromotionRecord | undefined>;
  /** Newest first. */
  list(
    pipeline: PipelineKey,
    page: { offset: number; limit: number },
  ): Promise<{ items: PromotionRecord[]; totalCount: number }>;
  /** Every active row of a pipeline (or of one environment), oldest first. */
  listActive(
    pipeline: PipelineKey,
    toEnvironment?: string,
  ): Promise<PromotionRecord[]>;
  /** Active rows in `states` across all pipelines, oldest first. */
  listByState(
    states: PromotionState[],
    limit: number,
  ): Promise<PromotionRecord[]>;
  /**
   * The rows delivery metrics read: every row of the pipeline updated at or after `since`,
   * and every row (any time) of the versions those rows carry; oldest first.
   */
  listHistorySince(
    pipeline: PipelineKey,
    since: Date,
  ): Promise<PromotionRecord[]>;
  /** `deployed` rows of a pipeline (all environments, or one), newest first. */
  listDeployed(
    pipeline: PipelineKey,
    toEnvironment?: string,
  ): Promise<PromotionRecord[]>;
  /** The row for a version that ended last (any final state) in an environment, if any. */
  latestEnded(
    pipeline: PipelineKey,
    toEnvironment: string,
    version: string,
  ): Promise<PromotionRecord | undefined>;
  /**
   * Moves a row from one of `from` to `to` atomically, with the given changes and an event.
   * Returns the updated row, or undefined when the row is not (any more) in one of `from`.
   * Leaving `running` / `awaiting-merge` drops any claim.
   */
  transition(
    id: string,
    from: PromotionState[],
    to: PromotionState,
    changes?: PromotionChanges,
    event?: NewPromotionEvent,
  ): Promise<PromotionRecord | undefined>;
  /**
   * Records an approval of a waiting row, atomically: nobody counts twice (`duplicate`);
   * when the distinct approvers reach the row's `requiredApprovals` it becomes `queued`,
   * else it keeps waiting. Undefined when the row is not waiting any more.
   */
  approve(
    id: string,
    approval: PromotionApproval,
    event: NewPromotionEvent,
  ): Promise<
    | { record: PromotionRecord; outcome: 'queued' | 'waiting' | 'duplicate' }
    | undefined
  >;
  /** Appends to a row's event log. */
  /** Appends to a promotion's event log (a `once` event that is already there is skipped). */
  appendEvent(id: string, event: NewPromotionEvent): Promise<void>;
  /** A row's event log, oldest first. */
  events(id: string): Promise<PromotionEvent[]>;
  /**
   * A queued row takes its environment (→ `running`). The row in flight there, if any, is
   * superseded when `mayReplace(holder)` says so; otherwise the queued row is superseded.
   * Undefined when the row is not queued, the holder is still `running` (writing its
   * change), or another replica raced it: try again later.
   */
  takeEnvironment(
    id: string,
    mayReplace: (holder: PromotionRecord) => boolean,
  ): Promise<TakeEnvironmentResult | undefined>;
  /** Other waiting / queued rows of the environment become superseded; returns them. */
  supersedePending(
    pipeline: PipelineKey,
    toEnvironment: string,
    exceptId: string,
    states: PromotionState[],
    reason: string,
  ): Promise<PromotionRecord[]>;
  /**
   * Claims a row in `state` (running: to execute it; awaiting-merge: to poll its PR) for
   * `owner` until the lease ends; counts an attempt for `running`. Fails when another owner
   * holds an unexpired claim: each row is worked on at most once at a time across replicas.
   */
  claim(
    id: string,
    state: 'running' | 'awaiting-merge',
    owner: string,
    leaseMs: number,
  ): Promise<boolean>;
  /**
   * Releases a claim: a running row is retried, an awaiting-merge row's PR polled again, no
   * earlier than `retryAt`. `error` (the last failure) and `etag` (the PR's) are recorded when given.
   */
  release(
    id: string,
    owner: string,
    retryAt: Date,
    error?: string,
    etag?: string,
  ): Promise<void>;
  /**
   * Extends `owner`'s claim on a running or awaiting-merge row by `leaseMs` from now (the
   * heartbeat of a runner that is still working on it). False when the claim is no longer
   * `owner`'s (it expired and another replica took the row, or the row left the state).
   */
  renew(id: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Running rows nobody holds (never claimed, released, or an expired claim), oldest first. */
  listRunnable(limit: number): Promise<PromotionRecord[]>;
  /** Awaiting-merge rows due for a PR check and nobody holds, oldest first. */
  listPullRequestsDue(limit: number): Promise<PromotionRecord[]>;
  /** The ETag of the last read of the row's PR, and the commit its branch was written at. */
  pullRequestHead(id: string): Promise<{ etag?: string; headSha?: string }>;
}

/** Holds on environments (the `promotion_holds` table). */
export interface HoldStore {
  /** Places a hold; a hold already on the environment stays (and is returned). */
  place(
    pipeline: PipelineKey,
    hold: Omit<EnvironmentHold, 'createdAt'>,
  ): Promise<EnvironmentHold>;
  /** Releases the environment's hold; undefined when there was none. */
  release(
    pipeline: PipelineKey,
    environment: string,
    by: string,
  ): Promise<EnvironmentHold | undefined>;
  list(pipeline: PipelineKey): Promise<EnvironmentHold[]>;
  get(
    pipeline: PipelineKey,
    environment: string,
  ): Promise<EnvironmentHold | undefined>;
}
