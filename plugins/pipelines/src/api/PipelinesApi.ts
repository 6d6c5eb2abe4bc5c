import { createApiRef } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  PromotionPreview,
  BlockVersionRequest,
  BlockVersionResponse,
  VersionBlock,
  DeliveryMetrics,
  EntityPipelinesResponse,
  PipelineKey,
  PipelineListResponse,
  EnvironmentHold,
  PromotionDetail,
  PromotionListResponse,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';

/** A change the backend's watch cache saw. @public */
export interface PipelineEvent {
  type: 'pipeline-changed' | 'pipeline-removed' | 'promotion-changed';
  pipeline: PipelineKey;
}

/** Whether updates arrive live (server-sent events) or must be polled. @public */
export type PipelineEventsStatus = 'connecting' | 'live' | 'polling';

/** Client of the pipelines backend. @public */
export interface PipelinesApi {
  /** The pipelines an entity links to, with their state. */
  getEntityPipelines(
    entity: CompoundEntityRef,
  ): Promise<EntityPipelinesResponse>;
  /** Every pipeline the user may see, and the management clusters. */
  listPipelines(filter?: {
    cluster?: string;
    namespace?: string;
  }): Promise<PipelineListResponse>;
  /** What a promotion would do, without doing it (files and lines of its pull request, or its event). */
  previewPromotion(
    pipeline: PipelineKey,
    request: { environment: string; version: string },
  ): Promise<PromotionPreview>;
  /** Breaks the glass: a queued promotion into a frozen environment proceeds now. */
  overrideFreeze(
    id: string,
    options: { reason: string },
  ): Promise<PromotionRecord>;
  /** Blocks a version (and rolls an environment back, when asked). */
  blockVersion(
    pipeline: PipelineKey,
    request: BlockVersionRequest,
  ): Promise<BlockVersionResponse>;
  /** Lifts a version's block. */
  unblockVersion(pipeline: PipelineKey, version: string): Promise<VersionBlock>;
  /** Delivery metrics of a pipeline from its ledger; `window` like `30d` or `12h`. */
  getDeliveryMetrics(
    pipeline: PipelineKey,
    window: string,
  ): Promise<DeliveryMetrics>;
  /** The promotion ledger of a pipeline, newest first. */
  listPromotions(
    pipeline: PipelineKey,
    page: { offset: number; limit: number },
  ): Promise<PromotionListResponse>;
  /** Requests a promotion (the server decides the permission on the Pipeline's own entity). */
  createPromotion(
    pipeline: PipelineKey,
    request: { environment: string; version: string },
  ): Promise<PromotionRecord>;
  /** Approves or rejects a promotion waiting for approval. */
  decidePromotion(
    id: string,
    decision: 'approve' | 'reject',
    options: { reason?: string },
  ): Promise<PromotionRecord>;
  /** One promotion with its event log, oldest first. */
  getPromotion(id: string): Promise<PromotionDetail>;
  /** Retries a failed promotion (a new row, `retryOf`) or cancels a waiting / queued / awaiting-merge one. */
  promotionAction(
    id: string,
    action: 'retry' | 'cancel',
    options: { reason?: string },
  ): Promise<PromotionRecord>;
  /** Rolls an environment back to a version deployed there before, and holds it. */
  rollback(
    pipeline: PipelineKey,
    request: {
      environment: string;
      version: string;
      reason?: string;
    },
  ): Promise<PromotionRecord>;
  /** Releases an environment's hold. */
  releaseHold(
    pipeline: PipelineKey,
    environment: string,
  ): Promise<EnvironmentHold>;
  /**
   * Follows `/v1/events`, reconnecting with backoff. `onStatus` says when the stream is
   * down, so callers poll instead. Returns a function that stops it.
   */
  watchEvents(
    onEvent: (event: PipelineEvent) => void,
    onStatus?: (status: PipelineEventsStatus) => void,
  ): () => void;
}

/** @public */
export const pipelinesApiRef = createApiRef<PipelinesApi>({
  id: 'plugin.pipelines.service',
});
