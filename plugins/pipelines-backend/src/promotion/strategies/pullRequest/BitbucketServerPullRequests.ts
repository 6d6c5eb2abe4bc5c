import { PromotionError, PullRequestStatus } from '../PromotionStrategy';
import {
  BitbucketError,
  BitbucketPullRequest,
  bitbucketServerRepository,
  info,
} from './bitbucketServerApi';
import { CommitStatusInput, PullRequestProvider } from './PullRequestProvider';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  fetchWithTimeout,
  isRedirectRefusal,
} from './requestTimeout';

export { bitbucketServerRepository } from './bitbucketServerApi';

/**
 * Pull requests on Bitbucket Server / Data Center through its REST API 1.0, with one
 * request helper that checks every response and encodes every path segment, gives up
 * after `timeoutMs` (default 30 s) and follows no redirect (`fetchWithTimeout`).
 * `authorization` is the header value (`Bearer <token>`, or `Basic …` for an integration's
 * username and password); `token` is a shorthand for `Bearer <token>`.
 */
export class BitbucketServerPullRequests implements PullRequestProvider {
  private readonly base: string;
  private readonly repository: { project: string; slug: string };
  private readonly fetch: typeof fetch;
  private readonly authorization: string;

  constructor(
    private readonly options: {
      repoUrl: string;
      token?: string;
      authorization?: string;
      /** The API base, e.g. from the Bitbucket Server integration; default `<origin>/rest/api/1.0`. */
      apiBaseUrl?: string;
      timeoutMs?: number;
    },
  ) {
    const { origin, project, slug } = bitbucketServerRepository(
      options.repoUrl,
    );
    this.repository = { project, slug };
    this.fetch = fetchWithTimeout(
      options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    );
    this.authorization =
      options.authorization ?? `Bearer ${options.token ?? ''}`;
    const api = (options.apiBaseUrl ?? `${origin}/rest/api/1.0`).replace(
      /\/+$/,
      '',
    );
    this.base = `${api}/projects/${encodeURIComponent(
      project,
    )}/repos/${encodeURIComponent(slug)}/pull-requests`;
  }

  /** One API call; `path` is under the repository's `/pull-requests` unless `underRepository` (e.g. `/commits/…`). */
  private async request<T>(
    what: string,
    path: string,
    init: { method?: string; body?: unknown; underRepository?: boolean } = {},
  ): Promise<T> {
    let response: Response;
    try {
      response = await this.fetch(
        `${
          init.underRepository
            ? this.base.replace(/\/pull-requests$/, '')
            : this.base
        }${path}`,
        {
          method: init.method ?? 'GET',
          headers: {
            Authorization: this.authorization,
            Accept: 'application/json',
            ...(init.body ? { 'Content-Type': 'application/json' } : {}),
          },
          body: init.body ? JSON.stringify(init.body) : undefined,
        },
      );
    } catch (e) {
      throw new PromotionError(
        `${what}: ${(e as Error).message}`,
        !isRedirectRefusal(e),
      );
    }
    if (!response.ok) {
      const data: any = await response.json().catch(() => ({}));
      const errors = Array.isArray(data?.errors) ? data.errors : [];
      const message =
        errors.map((x: any) => x.message).join('; ') || response.statusText;
      throw new BitbucketError(
        response.status,
        errors,
        PromotionError.fromHttp(
          what,
          response.status,
          message,
          response.headers.get('retry-after'),
        ),
      );
    }
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  /** Runs `fn`, turning Bitbucket errors into PromotionErrors. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw e instanceof BitbucketError ? e.promotionError : e;
    }
  }

  /**
   * Bitbucket Data Center's build status of the commit (`POST …/repos/{slug}/commits/{id}/builds`,
   * 7.4+), keyed by the status's context; Bitbucket requires a `url`.
   */
  async setCommitStatus(sha: string, status: CommitStatusInput) {
    const state = {
      pending: 'INPROGRESS',
      success: 'SUCCESSFUL',
      failure: 'FAILED',
    }[status.state];
    await this.call(() =>
      this.request<void>(
        `setting the ${status.context} build status of ${sha.slice(0, 7)}`,
        `/commits/${encodeURIComponent(sha)}/builds`,
        {
          method: 'POST',
          underRepository: true,
          body: {
            key: status.context,
            name: status.context,
            state,
            description: status.description.slice(0, 255),
            url: status.targetUrl ?? this.options.repoUrl,
          },
        },
      ),
    );
  }

  private ref(branch: string) {
    return {
      id: `refs/heads/${branch}`,
      repository: {
        slug: this.repository.slug,
        project: { key: this.repository.project },
      },
    };
  }

  private read(number: number) {
    return this.request<BitbucketPullRequest>(
      'reading the pull request',
      `/${number}`,
    );
  }

  async findOpen(head: string, base: string) {
    const query = new URLSearchParams({
      state: 'OPEN',
      direction: 'OUTGOING',
      at: `refs/heads/${head}`,
      limit: '100',
    });
    const page = await this.call(() =>
      this.request<{ values: BitbucketPullRequest[] }>(
        'listing pull requests',
        `?${query}`,
      ),
    );
    const pr = page.values.find(
      p => p.fromRef.displayId === head && p.toRef?.displayId === base,
    );
    return pr ? info(pr) : undefined;
  }

  async create(pr: {
    head: string;
    base: string;
    title: string;
    body: string;
  }) {
    try {
      const created = await this.request<BitbucketPullRequest>(
        'opening the pull request',
        '',
        {
          method: 'POST',
          body: {
            title: pr.title,
            description: pr.body,
            fromRef: this.ref(pr.head),
            toRef: this.ref(pr.base),
          },
        },
      );
      return info(created);
    } catch (e) {
      if (
        e instanceof BitbucketError &&
        e.status === 409 &&
        e.has('DuplicatePullRequestException')
      )
        return undefined;
      throw e instanceof BitbucketError ? e.promotionError : e;
    }
  }

  /** Optimistic locking: a stale `version` (409 PullRequestOutOfDateException) is re-read and retried. */
  async update(number: number, pr: { title: string; body: string }) {
    for (let attempt = 1; ; attempt++) {
      const current = await this.call(() => this.read(number));
      try {
        const updated = await this.request<BitbucketPullRequest>(
          'updating the pull request',
          `/${number}`,
          {
            method: 'PUT',
            // Reviewers are sent back as they are: Bitbucket Server replaces the list on update.
            body: {
              version: current.version,
              title: pr.title,
              description: pr.body,
              reviewers: current.reviewers ?? [],
            },
          },
        );
        return info(updated);
      } catch (e) {
        const stale =
          e instanceof BitbucketError &&
          e.status === 409 &&
          e.has('PullRequestOutOfDateException');
        if (!stale || attempt >= 3)
          throw e instanceof BitbucketError ? e.promotionError : e;
      }
    }
  }

  /** Bitbucket Server has no conditional reads here; the merger comes from the activity stream. */
  async get(number: number): Promise<PullRequestStatus> {
    const pr = await this.call(() => this.read(number));
    if (pr.state === 'DECLINED') return { state: 'closed' };
    if (pr.state !== 'MERGED') return { state: 'open' };
    const mergedAt = pr.closedDate
      ? new Date(pr.closedDate).toISOString()
      : undefined;
    const activities = await this.request<{
      values: Array<{ action: string; user?: { name?: string } }>;
    }>(
      'reading the pull request activity',
      `/${number}/activities?limit=50`,
    ).catch(() => ({ values: [] }));
    return {
      state: 'merged',
      mergedAt,
      mergedBy: activities.values.find(a => a.action === 'MERGED')?.user?.name,
    };
  }

  async close(number: number, comment: string) {
    await this.call(async () => {
      await this.request(
        'commenting on the pull request',
        `/${number}/comments`,
        { method: 'POST', body: { text: comment } },
      );
      const current = await this.read(number);
      await this.request(
        'declining the pull request',
        `/${number}/decline?version=${current.version}`,
        { method: 'POST', body: {} },
      );
    });
  }
}
