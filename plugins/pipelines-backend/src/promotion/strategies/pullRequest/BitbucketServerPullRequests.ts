import { PromotionError } from '../PromotionStrategy';
import { PullRequestProvider } from './PullRequestProvider';

/** Project key and repository slug of a Bitbucket Server URL (`/scm/KEY/repo.git` or `/projects/KEY/repos/repo`). */
export function bitbucketServerRepository(repoUrl: string): { origin: string; project: string; slug: string } {
  const url = new URL(repoUrl);
  const m =
    /^\/scm\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url.pathname) ??
    /^\/projects\/([^/]+)\/repos\/([^/]+?)\/?(?:browse.*)?$/.exec(url.pathname);
  if (!m) {
    throw new PromotionError(`${repoUrl} is not a Bitbucket Server repository URL (expected https://host/scm/PROJECT/repo.git)`, false);
  }
  return { origin: url.origin, project: m[1], slug: m[2] };
}

interface BitbucketPullRequest {
  id: number;
  version: number;
  fromRef: { id: string; displayId: string };
  links: { self: Array<{ href: string }> };
}

/**
 * Pull requests on Bitbucket Server / Data Center through its REST API 1.0, with one
 * request helper that checks every response and encodes every path segment.
 */
export class BitbucketServerPullRequests implements PullRequestProvider {
  private readonly base: string;
  private readonly repository: { project: string; slug: string };

  constructor(private readonly options: { repoUrl: string; token: string }) {
    const { origin, project, slug } = bitbucketServerRepository(options.repoUrl);
    this.repository = { project, slug };
    this.base = `${origin}/rest/api/1.0/projects/${encodeURIComponent(project)}/repos/${encodeURIComponent(slug)}/pull-requests`;
  }

  private async request<T>(what: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          Authorization: `Bearer ${this.options.token}`,
          Accept: 'application/json',
          ...(init.body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: init.body ? JSON.stringify(init.body) : undefined,
      });
    } catch (e) {
      throw new PromotionError(`${what}: ${(e as Error).message}`, true);
    }
    if (!response.ok) {
      const data: any = await response.json().catch(() => ({}));
      const message = data?.errors?.map((x: any) => x.message).join('; ') || response.statusText;
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new PromotionError(
        `${what}: HTTP ${response.status} ${message}`,
        response.status >= 500 || response.status === 429,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      );
    }
    return (await response.json()) as T;
  }

  private ref(branch: string) {
    return { id: `refs/heads/${branch}`, repository: { slug: this.repository.slug, project: { key: this.repository.project } } };
  }

  private async get(number: number) {
    return this.request<BitbucketPullRequest>('reading the pull request', `/${number}`);
  }

  async findOpen(head: string, base: string) {
    const query = new URLSearchParams({ state: 'OPEN', direction: 'OUTGOING', at: `refs/heads/${head}`, limit: '100' });
    const page = await this.request<{ values: Array<BitbucketPullRequest & { toRef: { displayId: string } }> }>(
      'listing pull requests',
      `?${query}`,
    );
    const pr = page.values.find(p => p.fromRef.displayId === head && p.toRef.displayId === base);
    return pr ? { number: pr.id, url: pr.links.self[0].href } : undefined;
  }

  async create(pr: { head: string; base: string; title: string; body: string }) {
    const created = await this.request<BitbucketPullRequest>('opening the pull request', '', {
      method: 'POST',
      body: { title: pr.title, description: pr.body, fromRef: this.ref(pr.head), toRef: this.ref(pr.base) },
    });
    return { number: created.id, url: created.links.self[0].href };
  }

  async update(number: number, pr: { title: string; body: string }) {
    const current = await this.get(number);
    const updated = await this.request<BitbucketPullRequest>('updating the pull request', `/${number}`, {
      method: 'PUT',
      body: { version: current.version, title: pr.title, description: pr.body },
    });
    return { number: updated.id, url: updated.links.self[0].href };
  }
}
