import type {
  Condition,
  CrossNamespaceClusterReference,
  GitProviderType,
  LocalAppReference,
  PipelineSpec,
} from './types';
import type { ValidationIssue } from './validation';

/**
 * Request and response types of the pipelines backend's REST API, under
 * `/api/pipelines`. Shared by the backend router, the frontend client and the
 * scaffolder action.
 */

/** Identifies one Pipeline: the management cluster that holds it, and its key. @public */
export interface PipelineKey {
  cluster: string;
  namespace: string;
  name: string;
}

/** Health of one target, as the Pipeline tab shows it. @public */
export type TargetHealth =
  | 'ready'
  | 'not-ready'
  | 'progressing'
  | 'suspended'
  | 'app-missing'
  | 'cluster-not-found'
  | 'cluster-not-ready'
  | 'unknown';

/** @public */
export interface TargetState {
  /** Display name of the target cluster: the GitopsCluster's `namespace/name`, or the management cluster for local targets. */
  cluster: string;
  clusterRef?: CrossNamespaceClusterReference;
  namespace: string;
  health: TargetHealth;
  /** Whether the app (`appRef`) exists in the target namespace. */
  appFound: boolean;
  /** The version the app runs: HelmRelease / Kustomization `lastAppliedRevision`, or the chart version. */
  version?: string;
  message?: string;
  /** Last transition time of the app's Ready condition. */
  lastTransitionTime?: string;
  /** The version Flux last tried to apply (`status.lastAttemptedRevision`), when it differs from `version`. */
  attemptedVersion?: string;
}

/** How promotions into an environment happen. @public */
export interface PromotionStrategySummary {
  kind: 'pull-request' | 'notification' | 'none';
  manual: boolean;
  pullRequest?: { type: GitProviderType; url: string; baseBranch: string };
  /** Whether webhook calls must be HMAC-signed. */
  hmac: boolean;
}

/** @public */
export interface VersionCount {
  version: string;
  count: number;
}

/** @public */
export interface EnvironmentState {
  name: string;
  targets: TargetState[];
  /** Versions across the targets, most common first. */
  versions: VersionCount[];
  /** The strategy used to promote into this environment. */
  promotion: PromotionStrategySummary;
}

/**
 * Where the state of a pipeline comes from:
 * - `live`: the watch cache holds the Pipeline and its targets' apps;
 * - `no-cluster-data`: no management cluster holds data about it (yet).
 * @public
 */
export type PipelineDataState = 'live' | 'no-cluster-data';

/**
 * The health of an environment as a whole: `failing` when a target is not ready (or its
 * cluster or app is missing), else `progressing` when one is, `ready` when all are, else
 * `unknown` (suspended, or no status yet).
 * @public
 */
export type LaneHealth = 'ready' | 'progressing' | 'failing' | 'unknown';

/** {@link LaneHealth} of an environment from its targets. @public */
export function laneHealth(env: Pick<EnvironmentState, 'targets'>): LaneHealth {
  const health = env.targets.map(t => t.health);
  if (
    health.some(h =>
      [
        'not-ready',
        'app-missing',
        'cluster-not-found',
        'cluster-not-ready',
      ].includes(h),
    )
  )
    return 'failing';
  if (health.some(h => h === 'progressing')) return 'progressing';
  return health.length && health.every(h => h === 'ready')
    ? 'ready'
    : 'unknown';
}

/** An environment in the list view: its versions and overall health. @public */
export interface LaneSummary {
  name: string;
  /** Versions across the targets, most common first. */
  versions: VersionCount[];
  health: LaneHealth;
}

/**
 * What the caller may do on one pipeline, as the server decided it on the Pipeline's own
 * entity (`pipelines.weave.works/entity`): the tab shows these verdicts, it does not
 * compute its own.
 * @public
 */
export interface PipelineActionPermissions {
  /** Request, retry and cancel own promotions, roll back, release holds (`pipelines.promotion.create`). */
  create: boolean;
  /** Approve, reject, cancel other people's promotions (`pipelines.promotion.approve`). */
  approve: boolean;
  /** Break a freeze (`pipelines.promotion.override`). */
  override: boolean;
  /** Block and unblock versions (`pipelines.version.block`). */
  block: boolean;
}

/** @public */
export interface PipelineSummary extends PipelineKey {
  /**
   * The catalog entity that owns the Pipeline (its `pipelines.weave.works/entity`
   * annotation, normalised), on which every permission decision about it is made.
   */
  entityRef?: string;
  /**
   * The Pipeline's Kubernetes `metadata.uid`: the opaque id live updates (signals) carry
   * instead of names, so that a broadcast tells no other team's pipeline names.
   */
  uid?: string;
  appRef?: LocalAppReference;
  environments: string[];
  /** The environments in order, with versions and health (the release matrix's cells). */
  lanes: LaneSummary[];
  ready?: Condition;
  validationErrors: number;
}

/** @public */
export interface PipelineDetail extends PipelineKey {
  dataState: PipelineDataState;
  /** The Pipeline's own entity, as in {@link PipelineSummary}. */
  entityRef?: string;
  /** The Pipeline's `metadata.uid`, as in {@link PipelineSummary}. */
  uid?: string;
  /** What the caller may do on it; set by the API for the caller, absent in the cache. */
  permissions?: PipelineActionPermissions;
  /**
   * The Pipeline's `pipelines.weave.works/…` annotations (level trigger, required approvals):
   * settings kept in Git with the Pipeline, part of its state so that changing one takes
   * effect (and shows) at once.
   */
  annotations?: Record<string, string>;
  generation?: number;
  observedGeneration?: number;
  spec?: PipelineSpec;
  appRef?: LocalAppReference;
  conditions: Condition[];
  validationErrors: ValidationIssue[];
  environments: EnvironmentState[];
}

/** One linked reference of an entity's annotation. @public */
export type EntityPipelineEntry =
  | { ref: PipelineKey; state: 'found'; pipeline: PipelineDetail }
  | { ref: PipelineKey; state: 'not-found'; message: string }
  | { ref: PipelineKey; state: 'no-cluster-data'; message: string };

/** Response of `GET /v1/entity/{kind}/{namespace}/{name}/pipelines`. @public */
export interface EntityPipelinesResponse {
  entityRef: string;
  /** Malformed entries of the annotation. */
  annotationErrors: string[];
  items: EntityPipelineEntry[];
}

/** A management cluster as the backend knows it (no URL or credentials). @public */
export interface ManagementClusterInfo {
  name: string;
  /** Whether the watch cache currently has data from it. */
  connected: boolean;
  error?: string;
}

/** Response of `GET /v1/pipelines`. @public */
export interface PipelineListResponse {
  items: PipelineSummary[];
  clusters: ManagementClusterInfo[];
  /** The management cluster of entities whose annotations name none. */
  defaultCluster?: string;
}

/** Body of `POST /v1/pipelines/{cluster}/{namespace}/{name}/promotions`. @public */
export interface CreatePromotionRequest {
  environment: string;
  version: string;
}

/** Body of `POST /v1/promotions/{id}/approve|reject`. @public */
export interface PromotionDecisionRequest {
  reason?: string;
}

/**
 * The Backstage signals channel of the pipelines plugin's live updates (see
 * {@link PipelineSignal}).
 * @public
 */
export const PIPELINES_SIGNAL_CHANNEL = 'pipelines:events';

/**
 * A live update on {@link PIPELINES_SIGNAL_CHANNEL}, broadcast to every signed-in user, so
 * it names nothing: which pipelines changed (state or removal) by their opaque `uid`
 * (Kubernetes `metadata.uid`, which only readers of a pipeline get from the API), gathered
 * over a quarter of a second, and without the list when more than 100 changed at once or
 * one has no uid — a client then refetches whatever it shows; or that a promotion of the
 * pipeline with that uid changed. No state travels: clients refetch through the
 * permission-checked API.
 * @public
 */
export type PipelineSignal =
  | { type: 'pipelines-changed'; uids?: string[] }
  | { type: 'promotion-changed'; uid?: string };
