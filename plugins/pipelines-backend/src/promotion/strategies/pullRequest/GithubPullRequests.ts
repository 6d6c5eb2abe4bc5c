import { LoggerService } from '@backstage/backend-plugin-api';
import { Octokit } from 'octokit';
import { PromotionError } from '../PromotionStrategy';
import { PullRequestProvider } from './PullRequestProvider';

/** GitHub's API base for a repository URL: api.github.com, or GitHub Enterprise's /api/v3. */
export function githubApiBaseUrl(repoUrl: string): string {
  const url = new URL(repoUrl);
  return url.hostname === 'github.com' ? 'https://api.github.com' : `${url.origin}/api/v3`;
}

/** `owner/repo` of a repository URL (`.git` suffix allowed). */
export function ownerAndRepo(repoUrl: string): { owner: string; repo: string } {
  const parts = new URL(repoUrl).pathname.replace(/\.git$/, '').split('/').filter(Boolean);
  if (parts.length < 2) throw new PromotionError(`${repoUrl} is not a repository URL (expected https://host/owner/repo)`, false);
  return { owner: parts[parts.length - 2], repo: parts[parts.length - 1] };
}

/** Turns an octokit failure into a PromotionError: 5xx and 429 retry, honouring Retry-After. */
export function toPromotionError(e: any, what: string): PromotionError {
  const status: number | undefined = e?.status;
  const message = e?.response?.data?.message ?? e?.message ?? String(e);
  const retryAfter = Number(e?.response?.headers?.['retry-after']);
  const retryable = !status || status >= 500 || status === 429;
  return new PromotionError(`${what}: ${status ? `HTTP ${status} ` : ''}${message}`, retryable, Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined);
}

/** Pull requests on GitHub (or GitHub Enterprise) through octokit, with its retry and throttling plugins. */
export class GithubPullRequests implements PullRequestProvider {
  private readonly octokit: Octokit;
  private readonly owner: string;
  private readonly repo: string;

  constructor(options: { repoUrl: string; token: string; apiBaseUrl?: string; logger: LoggerService }) {
    ({ owner: this.owner, repo: this.repo } = ownerAndRepo(options.repoUrl));
    const { logger } = options;
    this.octokit = new Octokit({
      auth: options.token,
      baseUrl: options.apiBaseUrl ?? githubApiBaseUrl(options.repoUrl),
      retry: { retries: 2 },
      throttle: {
        onRateLimit: (retryAfter: number, opts: any, _o: unknown, retryCount: number) => {
          logger.warn(`GitHub rate limit on ${opts.method} ${opts.url}: retrying in ${retryAfter}s`);
          return retryCount < 2 && retryAfter <= 60;
        },
        onSecondaryRateLimit: (retryAfter: number, opts: any, _o: unknown, retryCount: number) => {
          logger.warn(`GitHub secondary rate limit on ${opts.method} ${opts.url}: retrying in ${retryAfter}s`);
          return retryCount < 2 && retryAfter <= 60;
        },
      },
    });
  }

  async findOpen(head: string, base: string) {
    try {
      const { data } = await this.octokit.rest.pulls.list({ owner: this.owner, repo: this.repo, head: `${this.owner}:${head}`, base, state: 'open' });
      const pr = data.find(p => p.head.ref === head);
      return pr ? { number: pr.number, url: pr.html_url } : undefined;
    } catch (e) {
      throw toPromotionError(e, 'listing pull requests');
    }
  }

  async create(pr: { head: string; base: string; title: string; body: string }) {
    try {
      const { data } = await this.octokit.rest.pulls.create({ owner: this.owner, repo: this.repo, ...pr });
      return { number: data.number, url: data.html_url };
    } catch (e) {
      throw toPromotionError(e, 'opening the pull request');
    }
  }

  async update(number: number, pr: { title: string; body: string }) {
    try {
      const { data } = await this.octokit.rest.pulls.update({ owner: this.owner, repo: this.repo, pull_number: number, ...pr });
      return { number: data.number, url: data.html_url };
    } catch (e) {
      throw toPromotionError(e, 'updating the pull request');
    }
  }
}
