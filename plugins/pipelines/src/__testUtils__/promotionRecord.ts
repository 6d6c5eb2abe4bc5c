import type { PromotionRecord } from '@gitops-pipelines/plugin-pipelines-common';

/** A ledger row of flux-system/podinfo-02 for tests: a user's promotion of 6.0.1 from test into prod, waiting for approval; `over` changes any field. */
export function promotionRecord(
  over: Partial<PromotionRecord> = {},
): PromotionRecord {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    pipeline: {
      cluster: 'management',
      namespace: 'flux-system',
      name: 'podinfo-02',
    },
    fromEnvironment: 'test',
    toEnvironment: 'prod',
    version: '6.0.1',
    trigger: 'user',
    requestedBy: 'user:default/bob',
    approvals: [],
    requiredApprovals: 1,
    state: 'waiting-approval',
    strategy: 'pull-request',
    attempts: 0,
    createdAt: new Date(Date.now() - 120_000).toISOString(),
    updatedAt: new Date().toISOString(),
    ...over,
  };
}
