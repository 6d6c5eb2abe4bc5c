import type { KubeConfig } from '@kubernetes/client-node';
import type {
  Pipeline,
  Promotion,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';

/** What a strategy needs to carry out one promotion. */
export interface PromotionContext {
  record: PromotionRecord;
  pipeline: Pipeline;
  /** The promotion settings that apply to the target environment. */
  promotion: Promotion;
  /** The management cluster holding the Pipeline. */
  kubeConfig: KubeConfig;
}

export interface PromotionOutcome {
  pullRequestUrl?: string;
  /** What happened, for the audit log and the ledger. */
  summary: string;
}

/** A failure; `retryable` ones are tried again with backoff (honouring `retryAfterMs`). */
export class PromotionError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'PromotionError';
  }
}

/** One way of promoting: a pull request on a forge, or a notification event. */
export interface PromotionStrategy {
  readonly name: 'pull-request' | 'notification';
  /** Must be idempotent: a retried promotion finds and reuses what an earlier attempt did. */
  execute(ctx: PromotionContext): Promise<PromotionOutcome>;
}
