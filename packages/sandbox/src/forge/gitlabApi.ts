import http from 'http';
import { GitlabStatuses } from './gitlabStatuses';
import { dispatch, findPull, names, readJson, Route } from './http';
import { ForgeHost, ForgeUser, PullComment, PullRequest } from './model';

/** One API call on a project. */
interface Call {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  user: ForgeUser;
  url: URL;
  projectPath: string;
  owner: string;
  repo: string;
  pulls: PullRequest[];
  body: any;
}

/** GitLab's name for a merge request's state. */
export const gitlabState = (p: PullRequest) => {
  if (p.merged) return 'merged';
  return p.state === 'open' ? 'opened' : 'closed';
};

/**
 * GitLab's REST API v4, the merge-request subset, shaped for @gitbeaker/rest: projects by
 * id or URL-encoded path; merge requests list / create / get / edit (close, reopen, labels,
 * reviewers) / merge; their notes; users by username (for `reviewer_ids`).
 */
export class GitlabApi {
  private readonly routes: Route<Call>[] = [
    ['GET', /^$/, c => this.send(c.res, 200, this.project(c))],
    ['GET', /^\/merge_requests$/, c => this.list(c)],
    ['POST', /^\/merge_requests$/, c => this.create(c)],
    [
      'GET',
      /^\/merge_requests\/(\d+)$/,
      (c, n) =>
        this.withMr(c, n, async p =>
          this.send(c.res, 200, await this.view(c, p)),
        ),
    ],
    [
      'PUT',
      /^\/merge_requests\/(\d+)$/,
      (c, n) => this.withMr(c, n, p => this.edit(c, p)),
    ],
    [
      'PUT',
      /^\/merge_requests\/(\d+)\/merge$/,
      (c, n) => this.withMr(c, n, p => this.merge(c, p)),
    ],
    [
      'GET',
      /^\/merge_requests\/(\d+)\/notes$/,
      (c, n) => this.withMr(c, n, p => this.notes(c, p)),
    ],
    [
      'POST',
      /^\/merge_requests\/(\d+)\/notes$/,
      (c, n) => this.withMr(c, n, p => this.createNote(c, p)),
    ],
    [
      'POST',
      /^\/statuses\/([^/]+)$/,
      async (c, sha) =>
        this.send(
          c.res,
          ...(await this.statuses.create(
            c.owner,
            c.repo,
            sha,
            c.body,
            c.user.username,
          )),
        ),
    ],
    [
      'GET',
      /^\/repository\/commits\/([^/]+)\/statuses$/,
      async (c, sha) =>
        this.send(c.res, ...(await this.statuses.list(c.owner, c.repo, sha))),
    ],
  ];
  private readonly statuses: GitlabStatuses;

  constructor(private readonly forge: ForgeHost) {
    this.statuses = new GitlabStatuses(forge);
  }

  /** Answers one request under `/api/v4`. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const route = url.pathname.slice('/api/v4'.length);
    this.forge.record(`${req.method} gitlab ${route}`);
    const user = this.forge.authenticate(req);
    if (!user) return this.send(res, 401, { message: '401 Unauthorized' });
    const fault = await this.forge.nextFault();
    if (fault) {
      const headers: Record<string, string> =
        fault.retryAfterSeconds !== undefined
          ? { 'Retry-After': String(fault.retryAfterSeconds) }
          : {};
      return this.send(
        res,
        fault.status,
        { message: fault.message ?? 'injected failure' },
        headers,
      );
    }
    if (route === '/users' && req.method === 'GET') return this.users(res, url);
    const m = /^\/projects\/([^/]+)(\/.*)?$/.exec(route);
    const projectPath = m ? decodeURIComponent(m[1]) : '';
    const [owner, repo] = projectPath.split('/');
    const pulls = this.forge.pullsOf(owner, repo ?? '');
    if (!m || !pulls)
      return this.send(res, 404, { message: '404 Project Not Found' });
    const c: Call = {
      req,
      res,
      user,
      url,
      projectPath,
      owner,
      repo,
      pulls,
      body: await readJson(req),
    };
    if (!(await dispatch(this.routes, req.method, m[2] ?? '', c)))
      this.send(res, 404, { message: '404 Not Found' });
    return undefined;
  }

  private send(
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'RateLimit-Limit': '2000',
      'RateLimit-Remaining': '1999',
      ...headers,
    });
    res.end(JSON.stringify(body));
  }

  private withMr(c: Call, iid: string, then: (p: PullRequest) => unknown) {
    const p = findPull(c.pulls, iid);
    return p ? then(p) : this.send(c.res, 404, { message: '404 Not found' });
  }

  private user(username: string) {
    return {
      id: this.forge.userId(username),
      username,
      name: username,
      state: 'active',
      locked: false,
      avatar_url: null,
      web_url: `${this.forge.url}/${username}`,
    };
  }

  private users(res: http.ServerResponse, url: URL) {
    const username = url.searchParams.get('username');
    this.send(
      res,
      200,
      username && this.forge.isUser(username) ? [this.user(username)] : [],
    );
  }

  private project(c: Call) {
    const { url } = this.forge;
    return {
      id: 1,
      path_with_namespace: c.projectPath,
      default_branch: 'main',
      http_url_to_repo: `${url}/${c.owner}/${c.repo}.git`,
      web_url: `${url}/${c.owner}/${c.repo}`,
    };
  }

  /** A merge request as every endpoint shows it. */
  private async view(c: Call, p: PullRequest) {
    const state = gitlabState(p);
    const person = (username: string | null) =>
      username ? this.user(username) : null;
    return {
      id: p.id,
      iid: p.number,
      project_id: 1,
      title: p.title,
      description: p.body,
      state,
      created_at: p.created_at,
      updated_at: p.updated_at,
      merged_by: person(p.merged_by),
      merge_user: person(p.merged_by),
      merged_at: p.merged_at,
      closed_by: p.merged ? null : person(p.closed_by),
      closed_at: p.merged ? null : p.closed_at,
      target_branch: p.base,
      source_branch: p.head,
      user_notes_count: p.comments.length,
      author: this.user(p.user),
      assignee: null,
      assignees: [],
      reviewers: p.reviewers.map(r => this.user(r)),
      source_project_id: 1,
      target_project_id: 1,
      labels: [...p.labels].sort(),
      draft: false,
      work_in_progress: false,
      merge_status: state === 'opened' ? 'can_be_merged' : 'unchecked',
      detailed_merge_status: state === 'opened' ? 'mergeable' : 'not_open',
      sha: (await this.forge.branchSha(c.owner, c.repo, p.head)) || null,
      merge_commit_sha: p.merge_commit_sha,
      squash_commit_sha: null,
      reference: `!${p.number}`,
      references: {
        short: `!${p.number}`,
        relative: `!${p.number}`,
        full: `${c.projectPath}!${p.number}`,
      },
      web_url: `${this.forge.url}/${c.owner}/${c.repo}/-/merge_requests/${p.number}`,
    };
  }

  private note(p: PullRequest, n: PullComment) {
    return {
      id: n.id,
      type: null,
      body: n.body,
      attachment: null,
      author: this.user(n.user),
      created_at: n.created_at,
      updated_at: n.created_at,
      system: false,
      noteable_id: p.id,
      noteable_type: 'MergeRequest',
      noteable_iid: p.number,
      project_id: 1,
      resolvable: false,
    };
  }

  /** GitLab's 409 when another open merge request has the same source and target branches. */
  private conflict(c: Call, head: string, base: string, except?: PullRequest) {
    const other = c.pulls.find(
      p =>
        p !== except &&
        p.state === 'open' &&
        p.head === head &&
        p.base === base,
    );
    if (!other) return false;
    this.send(c.res, 409, {
      message: [
        `Another open merge request already exists for this source branch: !${other.number}`,
      ],
    });
    return true;
  }

  private async list(c: Call) {
    const q = c.url.searchParams;
    const [state, source, target] = [
      q.get('state'),
      q.get('source_branch'),
      q.get('target_branch'),
    ];
    const list = c.pulls.filter(
      p =>
        (!state || state === 'all' || gitlabState(p) === state) &&
        (!source || p.head === source) &&
        (!target || p.base === target),
    );
    const views = await Promise.all(
      list
        .slice()
        .reverse()
        .map(p => this.view(c, p)),
    );
    this.send(c.res, 200, views, {
      'X-Total': String(views.length),
      'X-Page': '1',
      'X-Total-Pages': '1',
      'X-Per-Page': '20',
    });
  }

  /** Forge users named by `reviewer_ids` (unknown ids are ignored, `0` clears). */
  private reviewers(ids: unknown): string[] {
    const list = Array.isArray(ids) ? ids : [ids];
    return list
      .map(id => this.forge.userById(Number(id)))
      .filter((u): u is string => !!u);
  }

  private async create(c: Call) {
    const missing = ['source_branch', 'target_branch', 'title'].filter(
      f => !c.body[f],
    );
    if (missing.length)
      return this.send(c.res, 400, {
        error: missing.map(f => `${f} is missing`).join(', '),
      });
    const {
      source_branch: head,
      target_branch: base,
      title,
      description = '',
    } = c.body;
    if (head === base)
      return this.send(c.res, 422, {
        message: ["You can't use same project/branch for source and target"],
      });
    if (this.conflict(c, head, base)) return undefined;
    const p = this.forge.openPull(c.owner, c.repo, {
      title,
      body: String(description ?? ''),
      head,
      base,
      user: c.user.username,
      labels: names(c.body.labels),
      reviewers:
        c.body.reviewer_ids === undefined
          ? []
          : this.reviewers(c.body.reviewer_ids),
    });
    return this.send(c.res, 201, await this.view(c, p));
  }

  /** PUT: title, description, target branch, labels / add_labels / remove_labels, reviewer_ids, state_event close / reopen. */
  private async edit(c: Call, p: PullRequest) {
    const b = c.body;
    const base = b.target_branch ?? p.base;
    if (
      b.state_event === 'reopen' &&
      p.state === 'closed' &&
      !p.merged &&
      this.conflict(c, p.head, base, p)
    )
      return undefined;
    const before = JSON.stringify([
      p.title,
      p.body,
      p.base,
      p.labels,
      p.reviewers,
    ]);
    if (b.title !== undefined) p.title = b.title;
    if (b.description !== undefined) p.body = b.description;
    p.base = base;
    if (b.labels !== undefined) p.labels = names(b.labels);
    if (b.add_labels !== undefined)
      p.labels = [...new Set([...p.labels, ...names(b.add_labels)])];
    if (b.remove_labels !== undefined)
      p.labels = p.labels.filter(l => !names(b.remove_labels).includes(l));
    if (b.reviewer_ids !== undefined)
      p.reviewers = this.reviewers(b.reviewer_ids);
    if (
      JSON.stringify([p.title, p.body, p.base, p.labels, p.reviewers]) !==
      before
    )
      this.forge.touch(p);
    if (b.state_event === 'close' && p.state === 'open')
      this.forge.close(p, c.user.username);
    if (b.state_event === 'reopen' && p.state === 'closed' && !p.merged)
      this.forge.reopen(p, c.user.username);
    return this.send(c.res, 200, await this.view(c, p));
  }

  private async merge(c: Call, p: PullRequest) {
    if (p.state !== 'open')
      return this.send(c.res, 405, { message: '405 Method Not Allowed' });
    const head = await this.forge.branchSha(c.owner, c.repo, p.head);
    if (c.body.sha && c.body.sha !== head)
      return this.send(c.res, 409, {
        message: `SHA does not match HEAD of source branch: ${head}`,
      });
    if (!(await this.forge.merge(c.owner, c.repo, p, c.user.username)))
      return this.send(c.res, 422, { message: 'Branch cannot be merged' });
    return this.send(c.res, 200, await this.view(c, p));
  }

  /** Notes, newest first unless `sort=asc` (GitLab's default order is `created_at desc`). */
  private notes(c: Call, p: PullRequest) {
    const notes = p.comments.map(n => this.note(p, n));
    if (c.url.searchParams.get('sort') !== 'asc') notes.reverse();
    this.send(c.res, 200, notes, {
      'X-Total': String(notes.length),
      'X-Page': '1',
      'X-Total-Pages': '1',
      'X-Per-Page': '20',
    });
  }

  private createNote(c: Call, p: PullRequest) {
    if (!c.body.body)
      return this.send(c.res, 400, { error: 'body is missing' });
    return this.send(
      c.res,
      201,
      this.note(p, this.forge.comment(p, String(c.body.body), c.user.username)),
    );
  }
}
