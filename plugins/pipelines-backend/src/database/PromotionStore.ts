import type {
  PipelineKey,
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
  /** Newest first. */
  list(
    pipeline: PipelineKey,
    page: { offset: number; limit: number },
  ): Promise<{ items: PromotionRecord[]; totalCount: number }>;
}
