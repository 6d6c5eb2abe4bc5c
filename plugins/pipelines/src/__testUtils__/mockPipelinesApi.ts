import { PipelinesApi } from '../api/PipelinesApi';

/** A PipelinesApi whose methods are jest mocks; override what a test needs. */
export function mockPipelinesApi(
  overrides: Partial<PipelinesApi> = {},
): jest.Mocked<PipelinesApi> {
  return {
    getEntityPipelines: jest.fn(),
    listPipelines: jest.fn(),
    listPromotions: jest.fn(async (_p, page) => ({
      items: [],
      totalCount: 0,
      active: [],
      holds: [],
      blocks: [],
      gates: {},
      ...page,
    })),
    blockVersion: jest.fn(),
    overrideFreeze: jest.fn(),
    previewPromotion: jest.fn(async () => ({
      strategy: 'notification' as const,
      event: { reason: 'Promote' },
    })),
    unblockVersion: jest.fn(),
    getDeliveryMetrics: jest.fn(async (pipeline, window) => ({
      pipeline,
      window,
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-30T00:00:00.000Z',
      environments: [],
      leadTimeFirstToLast: { count: 0 },
      daily: [],
    })),
    createPromotion: jest.fn(),
    decidePromotion: jest.fn(),
    getPromotion: jest.fn(),
    promotionAction: jest.fn(),
    rollback: jest.fn(),
    releaseHold: jest.fn(),
    watchEvents: jest.fn((_onEvent, onStatus) => {
      onStatus?.('live');
      return () => {};
    }),
    ...overrides,
  } as jest.Mocked<PipelinesApi>;
}
