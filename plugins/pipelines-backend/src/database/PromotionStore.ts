import type {
  PipelineKey,
  PromotionApproval,
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
  state: Extract<PromotionState, 'waiting-approval' | 'running'>;
  strategy: PromotionRecord['strategy'];
}

/** The ledger. The only code that reads or writes the `promotions` table. */
export interface PromotionStore {
  /**
   * Records a promotion. A row for the same pipeline, target environment and version
   * already existing makes this a no-op that returns that row with `created: false`.
   */
  create(promotion: NewPromotion): Promise<{ record: PromotionRecord; created: boolean }>;
  get(id: string): Promise<PromotionRecord | undefined>;
  /** The row of a pipeline, target environment and version, if any. */
  find(pipeline: PipelineKey, toEnvironment: string, version: string): Promise<PromotionRecord | undefined>;
  /** Newest first. */
  list(
    pipeline: PipelineKey,
    page: { offset: number; limit: number },
  ): Promise<{ items: PromotionRecord[]; totalCount: number }>;
  /**
   * Moves a row from one of `from` to `to` atomically, with the given changes. Returns the
   * updated row, or undefined when the row is not (any more) in one of `from`.
   */
  transition(
    id: string,
    from: PromotionState[],
    to: PromotionState,
    changes?: { approval?: PromotionApproval; error?: string | null; pullRequestUrl?: string },
  ): Promise<PromotionRecord | undefined>;
  /**
   * Succeeded rows whose pull request a newer promotion has just updated (same pipeline,
   * environment and PR) become superseded: that PR now carries the newer version.
   */
  supersedePullRequest(pipeline: PipelineKey, toEnvironment: string, pullRequestUrl: string, exceptId: string): Promise<number>;
  /** Waiting rows of the same pipeline and environment, for another version, become superseded. */
  supersedeWaiting(pipeline: PipelineKey, toEnvironment: string, exceptId: string): Promise<number>;
  /**
   * Claims a running row for execution by `owner` until the lease ends. Fails when another
   * owner holds an unexpired claim: each row runs at most once at a time across replicas.
   */
  claim(id: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Releases a claim after a failed attempt, to be retried no earlier than `retryAt`. */
  release(id: string, owner: string, retryAt: Date, error: string): Promise<void>;
  /** Running rows that nobody holds (never claimed, released, or a crashed claim). */
  listRunnable(limit: number): Promise<PromotionRecord[]>;
}
