import { PullComment, PullRequest } from './model';

const now = () => new Date().toISOString();

/**
 * The forge's pull requests, by repository, and the state changes every API shares: open,
 * merged, closed (declined), reopened, commented, edited. Ids are unique forge-wide.
 */
export class PullRequestStore {
  private readonly byRepo = new Map<string, PullRequest[]>();
  private lastId = 0;

  addRepo(owner: string, repo: string) {
    this.byRepo.set(`${owner}/${repo}`, []);
  }

  /** The pull requests of a repository, oldest first; undefined when there is no such repository. */
  of(owner: string, repo: string): PullRequest[] | undefined {
    return this.byRepo.get(`${owner}/${repo}`);
  }

  get(owner: string, repo: string, number: number): PullRequest {
    const p = this.of(owner, repo)?.find(x => x.number === number);
    if (!p) throw new Error(`no pull request ${owner}/${repo}#${number}`);
    return p;
  }

  open(
    owner: string,
    repo: string,
    fields: Pick<PullRequest, 'title' | 'body' | 'head' | 'base' | 'user'> &
      Partial<Pick<PullRequest, 'labels' | 'reviewers'>>,
  ): PullRequest {
    const pulls = this.byRepo.get(`${owner}/${repo}`)!;
    const at = now();
    // prettier-ignore
    const p: PullRequest = {
      id: ++this.lastId, number: pulls.length + 1, state: 'open', merged: false, created_at: at, updated_at: at, version: 0,
      merged_at: null, merged_by: null, merge_commit_sha: null, closed_at: null, closed_by: null,
      labels: [], reviewers: [], comments: [], events: [],
      ...fields,
    };
    p.events.push({ id: ++this.lastId, action: 'OPENED', user: p.user, at });
    pulls.push(p);
    return p;
  }

  /** Records a merge (made in git by the forge) of `sha` into the base branch by `by`. */
  merged(p: PullRequest, by: string, sha: string) {
    const at = now();
    Object.assign(p, {
      state: 'closed',
      merged: true,
      merged_at: at,
      merged_by: by,
      merge_commit_sha: sha,
      closed_at: at,
    });
    this.touch(p);
    p.events.push({ id: ++this.lastId, action: 'MERGED', user: by, at });
  }

  close(p: PullRequest, by: string) {
    const at = now();
    Object.assign(p, { state: 'closed', closed_at: at, closed_by: by });
    this.touch(p);
    p.events.push({ id: ++this.lastId, action: 'DECLINED', user: by, at });
  }

  reopen(p: PullRequest, by: string) {
    Object.assign(p, { state: 'open', closed_at: null, closed_by: null });
    this.touch(p);
    p.events.push({
      id: ++this.lastId,
      action: 'REOPENED',
      user: by,
      at: p.updated_at,
    });
  }

  comment(p: PullRequest, body: string, by: string): PullComment {
    const c = { id: ++this.lastId, body, user: by, created_at: now() };
    p.comments.push(c);
    p.updated_at = c.created_at;
    p.events.push({
      id: ++this.lastId,
      action: 'COMMENTED',
      user: by,
      at: c.created_at,
      comment: c,
    });
    return c;
  }

  /** A change of the pull request itself: `updated_at` and the version move. */
  touch(p: PullRequest) {
    p.updated_at = now();
    p.version += 1;
  }
}
