import http from 'http';
import { GithubRateLimits } from './githubRateLimits';
import { GithubStatuses } from './githubStatuses';
import { GithubViews } from './githubViews';
import {
  dispatch,
  etagMatches,
  findPull,
  names,
  readJson,
  Route,
  weakEtag,
} from './http';
import { ForgeHost, ForgeUser, PullRequest } from './model';

const DOCS = 'https://docs.github.com/rest';
const LIMIT = 5000;
const ANONYMOUS_LIMIT = 60;

interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  user?: ForgeUser;
}

/** One API call on a repository. */
interface Call extends Exchange {
  user: ForgeUser;
  url: URL;
  owner: string;
  repo: string;
  pulls: PullRequest[];
  body: any;
  views: GithubViews;
}

/** GitHub's 422 for invalid input. */
const validationFailed = (documentation_url: string, ...errors: object[]) => ({
  message: 'Validation Failed',
  errors,
  documentation_url,
  status: '422',
});

/**
 * GitHub's REST API v3 (GitHub Enterprise's `/api/v3`), the subset promotions use: the
 * repository, pull requests (list / create / get / update / merge), their reviewers,
 * comments and labels. Every response counts against the user's hourly rate limit (real
 * `X-RateLimit-*` headers); GETs carry a weak `ETag` and answer a matching `If-None-Match`
 * with `304 Not Modified`, which is free — as on GitHub.
 */
export class GithubApi {
  private readonly limits = new GithubRateLimits();
  private readonly labelIds = new Map<string, Map<string, number>>();
  private readonly routes: Route<Call>[] = [
    ['GET', /^$/, c => this.send(c, 200, c.views.repository())],
    ['GET', /^\/pulls$/, c => this.listPulls(c)],
    ['POST', /^\/pulls$/, c => this.createPull(c)],
    [
      'GET',
      /^\/pulls\/(\d+)$/,
      (c, n) =>
        this.withPull(c, n, async p =>
          this.send(c, 200, await c.views.pull(p)),
        ),
    ],
    [
      'PATCH',
      /^\/pulls\/(\d+)$/,
      (c, n) => this.withPull(c, n, p => this.updatePull(c, p)),
    ],
    [
      'GET',
      /^\/pulls\/(\d+)\/merge$/,
      (c, n) =>
        this.withPull(c, n, p =>
          p.merged ? this.send(c, 204, undefined) : this.notFound(c),
        ),
    ],
    [
      'PUT',
      /^\/pulls\/(\d+)\/merge$/,
      (c, n) => this.withPull(c, n, p => this.mergePull(c, p)),
    ],
    [
      'GET',
      /^\/pulls\/(\d+)\/requested_reviewers$/,
      (c, n) =>
        this.withPull(c, n, p =>
          this.send(c, 200, {
            users: p.reviewers.map(r => c.views.user(r)),
            teams: [],
          }),
        ),
    ],
    [
      'POST',
      /^\/pulls\/(\d+)\/requested_reviewers$/,
      (c, n) => this.withPull(c, n, p => this.requestReviewers(c, p)),
    ],
    [
      'GET',
      /^\/issues\/(\d+)\/comments$/,
      (c, n) =>
        this.withPull(c, n, p =>
          this.send(
            c,
            200,
            p.comments.map(x => c.views.comment(p, x)),
          ),
        ),
    ],
    [
      'POST',
      /^\/issues\/(\d+)\/comments$/,
      (c, n) => this.withPull(c, n, p => this.createComment(c, p)),
    ],
    [
      'GET',
      /^\/issues\/(\d+)\/labels$/,
      (c, n) =>
        this.withPull(c, n, p =>
          this.send(
            c,
            200,
            p.labels.map(l => c.views.label(l)),
          ),
        ),
    ],
    [
      'POST',
      /^\/issues\/(\d+)\/labels$/,
      (c, n) => this.withPull(c, n, p => this.addLabels(c, p)),
    ],
    [
      'POST',
      /^\/statuses\/([^/]+)$/,
      async (c, sha) =>
        this.send(
          c,
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
      /^\/commits\/([^/]+)\/statuses$/,
      async (c, ref) =>
        this.send(c, ...(await this.statuses.list(c.owner, c.repo, ref))),
    ],
    [
      'GET',
      /^\/commits\/([^/]+)\/status$/,
      async (c, ref) =>
        this.send(c, ...(await this.statuses.combined(c.owner, c.repo, ref))),
    ],
  ];
  private readonly statuses: GithubStatuses;

  constructor(private readonly forge: ForgeHost) {
    this.statuses = new GithubStatuses(forge);
  }

  /** Answers one request under `/api/v3`. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const route = url.pathname.slice('/api/v3'.length);
    this.forge.record(`${req.method} ${route}`);
    const user = this.forge.authenticate(req);
    if (!user)
      return this.send({ req, res }, 401, {
        message: 'Bad credentials',
        documentation_url: DOCS,
        status: '401',
      });
    const fault = await this.forge.nextFault();
    if (fault) {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined)
        headers['Retry-After'] = String(fault.retryAfterSeconds);
      if (fault.status === 429 || fault.status === 403) {
        headers['X-RateLimit-Remaining'] = '0';
        headers['X-RateLimit-Reset'] = String(
          Math.ceil(Date.now() / 1000) + (fault.retryAfterSeconds ?? 1),
        );
      }
      return this.send(
        { req, res, user },
        fault.status,
        { message: fault.message ?? 'injected failure' },
        headers,
      );
    }
    if (this.limits.exhausted(user.username, LIMIT)) {
      const message = `API rate limit exceeded for user ID ${this.forge.userId(
        user.username,
      )}.`;
      return this.send({ req, res, user }, 403, {
        message,
        documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
        status: '403',
      });
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(route);
    const pulls = m ? this.forge.pullsOf(m[1], m[2]) : undefined;
    if (!m || !pulls) return this.notFound({ req, res, user });
    const [, owner, repo, rest = ''] = m;
    if (!this.labelIds.has(`${owner}/${repo}`))
      this.labelIds.set(`${owner}/${repo}`, new Map());
    const views = new GithubViews(
      this.forge,
      owner,
      repo,
      this.labelIds.get(`${owner}/${repo}`)!,
    );
    const c: Call = {
      req,
      res,
      user,
      url,
      owner,
      repo,
      pulls,
      body: await readJson(req),
      views,
    };
    if (!(await dispatch(this.routes, req.method, rest, c))) this.notFound(c);
    return undefined;
  }

  /**
   * Answers with JSON and the rate-limit headers; a GET's 200 carries an ETag, and becomes a
   * bodiless 304 that costs nothing when the request's If-None-Match matches it.
   */
  private send(
    c: Exchange,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    const text = body === undefined ? '' : JSON.stringify(body);
    const etag =
      c.req.method === 'GET' && status === 200 ? weakEtag(text) : undefined;
    const notModified =
      !!etag && !!c.user && etagMatches(c.req.headers['if-none-match'], etag);
    const rate = c.user
      ? this.limits.take(c.user.username, LIMIT, notModified)
      : this.limits.take('anonymous', ANONYMOUS_LIMIT);
    const caching = etag
      ? {
          ETag: etag,
          'Cache-Control': 'private, max-age=60, s-maxage=60',
          Vary: 'Accept, Authorization, Cookie, X-GitHub-OTP',
        }
      : {};
    if (notModified) {
      c.res.writeHead(304, { ...rate, ...caching });
      c.res.end();
      return;
    }
    c.res.writeHead(status, {
      ...(text ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
      ...rate,
      'X-GitHub-Media-Type': 'github.v3',
      ...caching,
      ...headers,
    });
    c.res.end(text);
  }

  private notFound(c: Exchange) {
    this.send(c, 404, {
      message: 'Not Found',
      documentation_url: DOCS,
      status: '404',
    });
  }

  private withPull(c: Call, number: string, then: (p: PullRequest) => unknown) {
    const p = findPull(c.pulls, number);
    return p ? then(p) : this.notFound(c);
  }

  private openDuplicate(
    c: Call,
    head: string,
    base: string,
    except?: PullRequest,
  ) {
    return c.pulls.some(
      p =>
        p !== except &&
        p.state === 'open' &&
        p.head === head &&
        p.base === base,
    );
  }

  private alreadyExists(c: Call, head: string) {
    const message = `A pull request already exists for ${c.owner}:${head}.`;
    return validationFailed(`${DOCS}/pulls/pulls#create-a-pull-request`, {
      resource: 'PullRequest',
      code: 'custom',
      message,
    });
  }

  private async listPulls(c: Call) {
    const state = c.url.searchParams.get('state') ?? 'open';
    const head = c.url.searchParams.get('head')?.split(':').pop();
    const base = c.url.searchParams.get('base');
    const list = c.pulls.filter(
      p =>
        (state === 'all' || p.state === state) &&
        (!head || p.head === head) &&
        (!base || p.base === base),
    );
    this.send(
      c,
      200,
      await Promise.all(
        list
          .slice()
          .reverse()
          .map(p => c.views.simplePull(p)),
      ),
    );
  }

  private async createPull(c: Call) {
    const doc = `${DOCS}/pulls/pulls#create-a-pull-request`;
    const { title, base, body = '' } = c.body;
    const missing = ['title', 'head', 'base'].find(f => !c.body[f]);
    if (missing)
      return this.send(
        c,
        422,
        validationFailed(doc, {
          resource: 'PullRequest',
          code: 'missing_field',
          field: missing,
        }),
      );
    const head = String(c.body.head).split(':').pop()!;
    for (const [field, branch] of [
      ['head', head],
      ['base', base],
    ]) {
      if (!(await this.forge.branchSha(c.owner, c.repo, branch)))
        return this.send(
          c,
          422,
          validationFailed(doc, {
            resource: 'PullRequest',
            field,
            code: 'invalid',
          }),
        );
    }
    if (this.openDuplicate(c, head, base))
      return this.send(c, 422, this.alreadyExists(c, head));
    const p = this.forge.openPull(c.owner, c.repo, {
      title,
      body: String(body ?? ''),
      head,
      base,
      user: c.user.username,
    });
    return this.send(c, 201, await c.views.pull(p), {
      Location: `${this.forge.url}/api/v3/repos/${c.owner}/${c.repo}/pulls/${p.number}`,
    });
  }

  private async updatePull(c: Call, p: PullRequest) {
    const doc = `${DOCS}/pulls/pulls#update-a-pull-request`;
    const { title, body, state, base } = c.body;
    const invalid = (field: string) =>
      this.send(
        c,
        422,
        validationFailed(doc, {
          resource: 'PullRequest',
          code: 'invalid',
          field,
        }),
      );
    if (state !== undefined && state !== 'open' && state !== 'closed')
      return invalid('state');
    if (state === 'open' && p.state === 'closed' && p.merged)
      return invalid('state');
    if (
      base !== undefined &&
      !(await this.forge.branchSha(c.owner, c.repo, base))
    )
      return invalid('base');
    if (
      state === 'open' &&
      p.state === 'closed' &&
      this.openDuplicate(c, p.head, base ?? p.base, p)
    )
      return this.send(c, 422, this.alreadyExists(c, p.head));
    if (title !== undefined || body !== undefined || base !== undefined) {
      Object.assign(p, {
        title: title ?? p.title,
        body: body ?? p.body,
        base: base ?? p.base,
      });
      this.forge.touch(p);
    }
    if (state === 'closed' && p.state === 'open')
      this.forge.close(p, c.user.username);
    if (state === 'open' && p.state === 'closed')
      this.forge.reopen(p, c.user.username);
    return this.send(c, 200, await c.views.pull(p));
  }

  private async mergePull(c: Call, p: PullRequest) {
    const documentation_url = `${DOCS}/pulls/pulls#merge-a-pull-request`;
    const notMergeable = () =>
      this.send(c, 405, {
        message: 'Pull Request is not mergeable',
        documentation_url,
        status: '405',
      });
    if (p.state !== 'open') return notMergeable();
    if (
      c.body.sha &&
      c.body.sha !== (await this.forge.branchSha(c.owner, c.repo, p.head))
    ) {
      return this.send(c, 409, {
        message: 'Head branch was modified. Review and try the merge again.',
        documentation_url,
        status: '409',
      });
    }
    if (!(await this.forge.merge(c.owner, c.repo, p, c.user.username)))
      return notMergeable();
    return this.send(c, 200, {
      sha: p.merge_commit_sha,
      merged: true,
      message: 'Pull Request successfully merged',
    });
  }

  private async requestReviewers(c: Call, p: PullRequest) {
    const documentation_url = `${DOCS}/pulls/review-requests#request-reviewers-for-a-pull-request`;
    const reviewers = names(c.body.reviewers ?? []);
    if (reviewers.includes(p.user))
      return this.send(c, 422, {
        message: 'Review cannot be requested from pull request author.',
        documentation_url,
        status: '422',
      });
    if (reviewers.some(r => !this.forge.isUser(r))) {
      const message = `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${c.owner}/${c.repo} repository.`;
      return this.send(c, 422, { message, documentation_url, status: '422' });
    }
    p.reviewers = [...new Set([...p.reviewers, ...reviewers])];
    this.forge.touch(p);
    return this.send(c, 201, await c.views.pull(p));
  }

  private createComment(c: Call, p: PullRequest) {
    if (!c.body.body) {
      const doc = `${DOCS}/issues/comments#create-an-issue-comment`;
      return this.send(
        c,
        422,
        validationFailed(doc, {
          resource: 'IssueComment',
          code: 'missing_field',
          field: 'body',
        }),
      );
    }
    const comment = this.forge.comment(p, String(c.body.body), c.user.username);
    return this.send(c, 201, c.views.comment(p, comment));
  }

  private addLabels(c: Call, p: PullRequest) {
    const labels = names(Array.isArray(c.body) ? c.body : c.body.labels ?? []);
    p.labels = [...new Set([...p.labels, ...labels])];
    this.forge.touch(p);
    this.send(
      c,
      200,
      p.labels.map(l => c.views.label(l)),
    );
  }
}
