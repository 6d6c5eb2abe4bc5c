import { LoggerService } from '@backstage/backend-plugin-api';
import { Octokit } from 'octokit';
import { PromotionError, PullRequestStatus } from '../PromotionStrategy';
import { CommitStatusInput, PullRequestProvider } from './PullRequestProvider';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  fetchWithTimeout,
  isRedirectRefusal,
} from './requestTimeout';

/** GitHub's API base for a repository URL: api.github.com, or GitHub Enterprise's /api/v3. */
export function githubApiBaseUrl(repoUrl: string): string {
  const url = new URL(repoUrl);
  return url.hostname === 'github.com'
    ? 'https://api.github.com'
    : `${url.origin}/api/v3`;
}

/** `owner/repo` of a repository URL (`.git` suffix allowed). */
export function ownerAndRepo(repoUrl: string): { owner: string; repo: string } {
  const parts = new URL(repoUrl).pathname
    .replace(/\.git$/, '')
    .split('/')
    .filter(Boolean);
  if (parts.length < 2)
    throw new PromotionError(
      `${repoUrl} is not a repository URL (expected https://host/owner/repo)`,
      false,
    );
  return { owner: parts[parts.length - 2], repo: parts[parts.length - 1] };
}

/**
 * Turns an octokit failure into a retryable PromotionError, honouring Retry-After. Only an
 * answer has an HTTP status: octokit reports a refused connection or a timeout as status
 * 500 without a response, which is not the forge's 500.
 */
export function toPromotionError(e: any, what: string): PromotionError {
  // A refused redirect is the configured address's fault: retrying does not help.
  if (isRedirectRefusal(e))
    return new PromotionError(`${what}: ${e?.message ?? e}`, false);
  const message = e?.response?.data?.message ?? e?.message ?? String(e);
  return PromotionError.fromHttp(
    what,
    e?.response ? e.status : undefined,
    message,
    e?.response?.headers?.['retry-after'],
  );
}

/** Whether GitHub refused to open a pull request because one exists for the branch (422). */
function alreadyExists(e: any): boolean {
  const errors: Array<{ message?: string }> = e?.response?.data?.errors ?? [];
  return (
    e?.status === 422 &&
    errors.some(x => /already exists/i.test(x.message ?? ''))
  );
}

/**
 * Pull requests on GitHub (or GitHub Enterprise) through octokit, with its throttling
 * plugin (primary and secondary rate limits wait for GitHub's reset, up to a minute) and
 * without its retry plugin: that one retries 429 and 5xx after 1 and 4 s whatever
 * Retry-After says and hides the failures; the promotion runner retries instead, waiting
 * as long as Retry-After asks and recording each failed attempt. Every request gives up
 * after `timeoutMs` (default 30 s) and follows no redirect (`fetchWithTimeout`): the token
 * goes to `apiBaseUrl` only.
 */
export class GithubPullRequests implements PullRequestProvider {
  private readonly octokit: Octokit;
  private readonly owner: string;
  private readonly repo: string;

  /**
   * `onRateLimit` receives `x-ratelimit-remaining` of every answer that has it (requests
   * left in the current window).
   */
  constructor(options: {
    repoUrl: string;
    token: string;
    apiBaseUrl?: string;
    logger: LoggerService;
    timeoutMs?: number;
    onRateLimit?: (remaining: number) => void;
  }) {
    ({ owner: this.owner, repo: this.repo } = ownerAndRepo(options.repoUrl));
    const { logger } = options;
    const onLimit =
      (kind: string) =>
      (retryAfter: number, opts: any, _o: unknown, retryCount: number) => {
        logger.warn(
          `GitHub ${kind} on ${opts.method} ${opts.url}: retrying in ${retryAfter}s`,
        );
        return retryCount < 2 && retryAfter <= 60;
      };
    this.octokit = new Octokit({
      auth: options.token,
      baseUrl: options.apiBaseUrl ?? githubApiBaseUrl(options.repoUrl),
      retry: { enabled: false },
      request: {
        fetch: fetchWithTimeout(
          options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        ),
      },
      throttle: {
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
      },
    });
    const { onRateLimit } = options;
    if (onRateLimit) {
      const report = (headers?: Record<string, unknown>) => {
        const remaining = Number(headers?.['x-ratelimit-remaining']);
        if (
          headers?.['x-ratelimit-remaining'] !== undefined &&
          Number.isFinite(remaining)
        )
          onRateLimit(remaining);
      };
      this.octokit.hook.after('request', response => report(response.headers));
      this.octokit.hook.error('request', error => {
        report(
          (error as { response?: { headers?: Record<string, unknown> } })
            .response?.headers,
        );
        throw error;
      });
    }
  }

  private get repository() {
    return { owner: this.owner, repo: this.repo };
  }

  async findOpen(head: string, base: string) {
    try {
      const { data } = await this.octokit.rest.pulls.list({
        ...this.repository,
        head: `${this.owner}:${head}`,
        base,
        state: 'open',
      });
      const pr = data.find(p => p.head.ref === head);
      return pr
        ? { number: pr.number, url: pr.html_url, body: pr.body ?? '' }
        : undefined;
    } catch (e) {
      throw toPromotionError(e, 'listing pull requests');
    }
  }

  async create(pr: {
    head: string;
    base: string;
    title: string;
    body: string;
  }) {
    try {
      const { data } = await this.octokit.rest.pulls.create({
        ...this.repository,
        ...pr,
      });
      return { number: data.number, url: data.html_url, body: data.body ?? '' };
    } catch (e) {
      if (alreadyExists(e)) return undefined;
      throw toPromotionError(e, 'opening the pull request');
    }
  }

  async update(number: number, pr: { title: string; body: string }) {
    try {
      const { data } = await this.octokit.rest.pulls.update({
        ...this.repository,
        pull_number: number,
        ...pr,
      });
      return { number: data.number, url: data.html_url, body: data.body ?? '' };
    } catch (e) {
      throw toPromotionError(e, 'updating the pull request');
    }
  }

  /** Conditional: with the last ETag, an unchanged pull request answers 304, which GitHub does not count against the rate limit. */
  async get(
    number: number,
    etag?: string,
  ): Promise<PullRequestStatus | undefined> {
    try {
      const { data, headers } = await this.octokit.rest.pulls.get({
        ...this.repository,
        pull_number: number,
        ...(etag ? { headers: { 'if-none-match': etag } } : {}),
      });
      let state: PullRequestStatus['state'] = 'open';
      if (data.merged || data.merged_at) state = 'merged';
      else if (data.state === 'closed') state = 'closed';
      return {
        state,
        mergedBy: data.merged_by?.login ?? undefined,
        mergedAt: data.merged_at ?? undefined,
        etag: typeof headers.etag === 'string' ? headers.etag : undefined,
      };
    } catch (e: any) {
      if (e?.status === 304) return undefined;
      throw toPromotionError(e, `reading pull request #${number}`);
    }
  }

  async setCommitStatus(sha: string, status: CommitStatusInput) {
    try {
      await this.octokit.rest.repos.createCommitStatus({
        ...this.repository,
        sha,
        state: status.state,
        context: status.context,
        description: status.description.slice(0, 140),
        ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      });
    } catch (e) {
      throw toPromotionError(
        e,
        `setting the ${status.context} status of ${sha.slice(0, 7)}`,
      );
    }
  }

  async close(number: number, comment: string) {
    try {
      await this.octokit.rest.issues.createComment({
        ...this.repository,
        issue_number: number,
        body: comment,
      });
      await this.octokit.rest.pulls.update({
        ...this.repository,
        pull_number: number,
        state: 'closed',
      });
    } catch (e) {
      throw toPromotionError(e, `closing pull request #${number}`);
    }
  }
}
