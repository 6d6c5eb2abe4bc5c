import type { PipelineKey } from './api';
import type { PromotionGate } from './gates';

/**
 * States of a promotion ledger row (DESIGN §6):
 * `waiting-approval` → `queued` → `running` (the change is being written or the event
 * sent) → `awaiting-merge` (pull-request strategy: PR open) → `rolling-out` (the change is
 * on the base branch, or the notification was delivered; waiting for every target of the
 * environment to be Ready at the version) → `deployed`. Other ends: `failed`, `rejected`,
 * `cancelled` (by a user, or the PR was closed without merging), `superseded` (a newer
 * version took the environment).
 * @public
 */
export type PromotionState =
  | 'waiting-approval'
  | 'queued'
  | 'running'
  | 'awaiting-merge'
  | 'rolling-out'
  | 'deployed'
  | 'failed'
  | 'rejected'
  | 'cancelled'
  | 'superseded';

/** States in which a promotion is still going: at most one row per (pipeline, environment, version). @public */
export const ACTIVE_PROMOTION_STATES: readonly PromotionState[] = [
  'waiting-approval',
  'queued',
  'running',
  'awaiting-merge',
  'rolling-out',
];

/**
 * States in which a promotion holds its environment: at most one row per (pipeline,
 * environment) is in one of them (it writes the promotion branch or waits for its rollout).
 * @public
 */
export const IN_FLIGHT_PROMOTION_STATES: readonly PromotionState[] = [
  'running',
  'awaiting-merge',
  'rolling-out',
];

/** Whether a promotion has ended (no state follows). @public */
export function isPromotionEnded(state: PromotionState): boolean {
  return !ACTIVE_PROMOTION_STATES.includes(state);
}

/** What started a promotion; `rollback` is a user's rollback, which also holds the environment. @public */
export type PromotionTrigger =
  | 'webhook'
  | 'level'
  | 'user'
  | 'scaffolder'
  | 'rollback';

/** @public */
export interface PromotionApproval {
  by: string;
  at: string;
  decision: 'approved' | 'rejected';
  reason?: string;
}

/** A row of the promotion ledger. Timestamps are ISO 8601. @public */
export interface PromotionRecord {
  id: string;
  pipeline: PipelineKey;
  fromEnvironment?: string;
  toEnvironment: string;
  version: string;
  trigger: PromotionTrigger;
  requestedBy: string;
  approvals: PromotionApproval[];
  /** Distinct approvers (never the requester) a manual promotion needs; 1 unless the Pipeline asks for more. */
  requiredApprovals: number;
  state: PromotionState;
  strategy: 'pull-request' | 'notification';
  /** The pull request's web page, once opened. */
  pullRequestUrl?: string;
  /** The forge's number of the pull request (GitLab: the merge request's iid). */
  pullRequestNumber?: number;
  /** Who merged the pull request, as the forge names them, when the forge says. */
  mergedBy?: string;
  mergedAt?: string;
  /** When every target of the environment was Ready at the version. */
  deployedAt?: string;
  /** When the row reached a final state. */
  endedAt?: string;
  /** The failed promotion this one retries. */
  retryOf?: string;
  /** The last failure (final for `failed`, or the attempt that will be retried). */
  error?: string;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

/** Kinds of entries of a promotion's event log. @public */
export type PromotionEventType =
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'queued'
  | 'started'
  | 'attempt-failed'
  | 'pull-request-opened'
  | 'pull-request-updated'
  | 'pull-request-merged'
  | 'pull-request-closed'
  | 'notification-sent'
  | 'no-change'
  | 'target-ready'
  | 'deployed'
  | 'failed'
  | 'cancelled'
  | 'superseded'
  | 'hold-placed'
  | 'frozen'
  | 'freeze-overridden'
  | 'migrated';

/** One entry of a promotion's append-only event log. @public */
export interface PromotionEvent {
  /** Increasing within the ledger. */
  id: number;
  promotionId: string;
  type: PromotionEventType;
  at: string;
  /** Who did it: a user or service entity ref, `pipelines:*` for the backend itself, or a forge user. */
  actor?: string;
  message: string;
}

/** Response of `GET /v1/promotions/{id}`: the row and its event log, oldest first. @public */
export interface PromotionDetail extends PromotionRecord {
  events: PromotionEvent[];
}

/**
 * A hold on an environment: no automatic (webhook or level) promotion into it until a
 * user releases it. A rollback places one.
 * @public
 */
export interface EnvironmentHold {
  environment: string;
  heldBy: string;
  reason: string;
  createdAt: string;
  /** The rollback that placed it. */
  promotionId?: string;
}

/**
 * A version blocked on a pipeline ("prevent progression"): every promotion request for it
 * is refused (rollbacks to it too) and its open promotions are cancelled, so it reaches no
 * environment it has not reached. Only a user with `pipelines.version.block` blocks or unblocks.
 * @public
 */
export interface VersionBlock {
  version: string;
  blockedBy: string;
  reason: string;
  createdAt: string;
}

/** Body of `POST /v1/promotions/{id}/override`: why the freeze is broken. @public */
export interface FreezeOverrideRequest {
  reason: string;
}

/** Response of `GET /v1/pipelines/{cluster}/{namespace}/{name}/blocks`. @public */
export interface VersionBlockListResponse {
  items: VersionBlock[];
}

/** Body of `POST /v1/pipelines/{cluster}/{namespace}/{name}/blocks`. @public */
export interface BlockVersionRequest {
  version: string;
  reason: string;
  /** Also roll this environment (which runs the version) back to the version deployed there before. */
  rollbackEnvironment?: string;
}

/** Response of blocking a version: the block, the promotions it cancelled, the rollback it opened. @public */
export interface BlockVersionResponse {
  block: VersionBlock;
  /** False when the version was already blocked (the existing block is returned). */
  created: boolean;
  /** Active promotions of the version that were cancelled (waiting, queued, awaiting merge). */
  cancelled: PromotionRecord[];
  /** Active promotions of the version past the point of cancelling (running, rolling out). */
  notCancelled: PromotionRecord[];
  rollback?: PromotionRecord;
}

/** A page of the promotion history, plus what is going on now. @public */
export interface PromotionListResponse {
  items: PromotionRecord[];
  totalCount: number;
  offset: number;
  limit: number;
  /** Every active row of the pipeline (any page), oldest first. */
  active: PromotionRecord[];
  holds: EnvironmentHold[];
  /** The versions blocked on the pipeline, oldest first. */
  blocks: VersionBlock[];
  /** The gates of each active promotion, by its id, as its pull request's status carries them. */
  gates: Record<string, PromotionGate[]>;
}

/** Body of `POST /v1/pipelines/{cluster}/{namespace}/{name}/rollback`. @public */
export interface RollbackRequest {
  environment: string;
  version: string;
  reason?: string;
}

/** Response of `GET /v1/pipelines/{cluster}/{namespace}/{name}/holds`. @public */
export interface HoldListResponse {
  items: EnvironmentHold[];
}
