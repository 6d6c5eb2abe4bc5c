import type { KubeConfig } from '@kubernetes/client-node';
import type {
  Pipeline,
  Promotion,
  GateSummary,
  PromotionPreview,
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

/** What carrying out a promotion did. */
export interface PromotionOutcome {
  /** The pull request that now carries the version (opened or updated). */
  pullRequest?: { url: string; number: number; opened: boolean };
  /** The commit pushed to the promotion branch. */
  headSha?: string;
  /** The base branch already had the version: nothing to merge. */
  noChange?: boolean;
  /** What happened, for the event log and the audit log. */
  summary: string;
}

/** A pull request's state as the forge reports it. */
export interface PullRequestStatus {
  state: 'open' | 'merged' | 'closed';
  /** The forge's user who merged it, when the forge says. */
  mergedBy?: string;
  mergedAt?: string;
  /** For a conditional request next time (GitHub: `If-None-Match`). */
  etag?: string;
}

/** A failure; `retryable` ones are tried again with backoff (honouring `retryAfterMs`). */
export class PromotionError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    /** The HTTP status of a failed request, when there was an answer. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PromotionError';
  }

  /**
   * A failed HTTP call to a forge or a cluster. Retryable whatever the status: a 401, a
   * 404 from a token without access or a 5xx can heal within the retry budget, and a
   * failed attempt costs little; only errors that cannot heal (no marker, unsupported
   * provider, a malformed repository URL) are thrown non-retryable, by their callers.
   * `retryAfter` is the `Retry-After` header (seconds) when the server sent one.
   */
  static fromHttp(
    what: string,
    status: number | undefined,
    message: string,
    retryAfter?: string | number | null,
  ): PromotionError {
    const seconds = Number(retryAfter);
    return new PromotionError(
      `${what}: ${status ? `HTTP ${status} ` : ''}${message}`.trim(),
      true,
      retryAfter !== undefined &&
      retryAfter !== null &&
      Number.isFinite(seconds) &&
      seconds > 0
        ? seconds * 1000
        : undefined,
      status,
    );
  }
}

/** One way of promoting: a pull request on a forge, or a notification event. */
export interface PromotionStrategy {
  readonly name: 'pull-request' | 'notification';
  /** Must be idempotent: a retried promotion finds and reuses what an earlier attempt did. */
  execute(ctx: PromotionContext): Promise<PromotionOutcome>;
  /**
   * Pull-request strategy: the state of the row's pull request. `etag` is the one the last
   * read returned; an unchanged pull request may answer `undefined` (HTTP 304, which costs
   * no rate limit on GitHub).
   */
  followPullRequest?(
    ctx: PromotionContext,
    etag?: string,
  ): Promise<PullRequestStatus | undefined>;
  /** Pull-request strategy: closes the row's pull request with a comment (cancel). */
  closePullRequest?(ctx: PromotionContext, comment: string): Promise<void>;
  /** Pull-request strategy: posts the gates' verdict as a status on the PR's head commit; false when the forge has none. */
  setGateStatus?(
    ctx: PromotionContext,
    sha: string,
    summary: GateSummary,
    targetUrl?: string,
  ): Promise<boolean>;
  /** What `execute` would do for `ctx.record`, without doing it (the Promote dialog's preview). */
  preview?(ctx: PromotionContext): Promise<PromotionPreview>;
}
