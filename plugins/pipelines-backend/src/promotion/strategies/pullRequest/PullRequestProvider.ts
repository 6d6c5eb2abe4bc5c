import type { PullRequestStatus } from '../PromotionStrategy';

/** A pull request as the strategy needs it. */
export interface PullRequestInfo {
  number: number;
  url: string;
  /** The description, to keep what humans wrote outside the generated section. */
  body?: string;
}

/** A commit status as the strategy posts it. */
export interface CommitStatusInput {
  state: 'pending' | 'success' | 'failure';
  /** e.g. `pipelines/flux-system/podinfo-02/prod`. */
  context: string;
  /** At most 140 characters (GitHub shows no more). */
  description: string;
  targetUrl?: string;
}

/**
 * What the pull-request strategy needs from a forge; one implementation per forge. Every
 * HTTP failure is a retryable `PromotionError` (`PromotionError.fromHttp`).
 */
export interface PullRequestProvider {
  /** The open pull request from `head` into `base`, if any. */
  findOpen(head: string, base: string): Promise<PullRequestInfo | undefined>;
  /**
   * Opens a pull request. When the forge answers that one already exists for `head`
   * (GitHub 422, GitLab 409, Bitbucket Server's duplicate 409), returns `undefined`: the
   * caller adopts the existing one.
   */
  create(pr: {
    head: string;
    base: string;
    title: string;
    body: string;
  }): Promise<PullRequestInfo | undefined>;
  /** Sets title and description; reviewers, labels and everything else are kept. */
  update(
    number: number,
    pr: { title: string; body: string },
  ): Promise<PullRequestInfo>;
  /** The state; `undefined` when the forge says it did not change since `etag` (HTTP 304). */
  get(number: number, etag?: string): Promise<PullRequestStatus | undefined>;
  /** Comments, then closes without merging (Bitbucket Server: declines). */
  close(number: number, comment: string): Promise<void>;
  /**
   * Sets this backend's status on a commit (the pull request's head): GitHub's commit status,
   * GitLab's commit status, Bitbucket Server's build status — the gate a branch protection
   * rule can require before merging. `context` names it; a later status of the same context
   * replaces it on the forge. Optional: forges without it get no gate status.
   */
  setCommitStatus?(sha: string, status: CommitStatusInput): Promise<void>;
}
