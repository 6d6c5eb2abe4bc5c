import type {
  EntityPipelinesResponse,
  EnvironmentHold,
  HoldListResponse,
  PipelineDetail,
  PipelineKey,
  PipelineListResponse,
  PipelineSummary,
  PromotionDetail,
  PromotionEvent,
  PromotionListResponse,
  PromotionRecord,
  RollbackRequest,
  CreatePromotionRequest,
  DeliveryMetrics,
  EntityDeliveryMetricsResponse,
  VersionBlock,
  VersionBlockListResponse,
  BlockVersionRequest,
  BlockVersionResponse,
  FreezeOverrideRequest,
  PromotionPreview,
  PromotionPreviewRequest,
} from '..';
import type { PipelinesApiSchemas as S } from '.';

/**
 * The contract between `openapi.yaml` and the TypeScript types the plugins use: each pair
 * must be assignable both ways, or this file does not compile (`yarn tsc`, a step of
 * npm test). A field added, removed, renamed or retyped on one side only fails here.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const contract = {
  PipelineKey: true as Same<PipelineKey, S['PipelineKey']>,
  PipelineSummary: true as Same<PipelineSummary, S['PipelineSummary']>,
  PipelineDetail: true as Same<PipelineDetail, S['PipelineDetail']>,
  PipelineListResponse: true as Same<
    PipelineListResponse,
    S['PipelineListResponse']
  >,
  EntityPipelinesResponse: true as Same<
    EntityPipelinesResponse,
    S['EntityPipelinesResponse']
  >,
  PromotionRecord: true as Same<PromotionRecord, S['PromotionRecord']>,
  PromotionEvent: true as Same<PromotionEvent, S['PromotionEvent']>,
  PromotionDetail: true as Same<PromotionDetail, S['PromotionDetail']>,
  PromotionListResponse: true as Same<
    PromotionListResponse,
    S['PromotionListResponse']
  >,
  EnvironmentHold: true as Same<EnvironmentHold, S['EnvironmentHold']>,
  HoldListResponse: true as Same<HoldListResponse, S['HoldListResponse']>,
  DeliveryMetrics: true as Same<DeliveryMetrics, S['DeliveryMetrics']>,
  VersionBlock: true as Same<VersionBlock, S['VersionBlock']>,
  VersionBlockListResponse: true as Same<
    VersionBlockListResponse,
    S['VersionBlockListResponse']
  >,
  BlockVersionResponse: true as Same<
    BlockVersionResponse,
    S['BlockVersionResponse']
  >,
  PromotionPreview: true as Same<PromotionPreview, S['PromotionPreview']>,
  PromotionPreviewRequest: true as Same<
    PromotionPreviewRequest,
    S['PromotionPreviewRequest']
  >,
  FreezeOverrideRequest: true as [FreezeOverrideRequest] extends [
    S['FreezeOverrideRequest'],
  ]
    ? true
    : false,
  BlockVersionRequest: true as [BlockVersionRequest] extends [
    S['BlockVersionRequest'],
  ]
    ? true
    : false,
  EntityDeliveryMetricsResponse: true as Same<
    EntityDeliveryMetricsResponse,
    S['EntityDeliveryMetricsResponse']
  >,
  // Request bodies: what the types allow, the document accepts (`entityRef` is refused by the router).
  CreatePromotionRequest: true as [CreatePromotionRequest] extends [
    S['CreatePromotionRequest'],
  ]
    ? true
    : false,
  RollbackRequest: true as [RollbackRequest] extends [S['RollbackRequest']]
    ? true
    : false,
} satisfies Record<string, true>;

describe('the OpenAPI contract', () => {
  it('types every response body exactly as the shared TypeScript types do', () => {
    expect(Object.values(contract).every(Boolean)).toBe(true);
  });
});
