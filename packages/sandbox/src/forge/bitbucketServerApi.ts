import http from 'http';
import { BitbucketBuilds } from './bitbucketBuilds';
import {
  bitbucketState,
  BitbucketServerViews,
  page,
} from './bitbucketServerViews';
import { dispatch, findPull, readJson, Route } from './http';
import { ForgeHost, ForgeUser, PullRequest } from './model';

/** One API call on a repository. */
interface Call {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  user: ForgeUser;
  url: URL;
  project: string;
  slug: string;
  pulls: PullRequest[];
  body: any;
  views: BitbucketServerViews;
}

const EXCEPTIONS = 'com.atlassian.bitbucket.pull.';

/**
 * Bitbucket Server's REST API 1.0 (Data Center 7+), the pull-request subset: list (filtered
 * by branch, paged), create, get, update (optimistic `version`; `reviewers` replaced — an
 * update without them removes them, as on Bitbucket), merge, decline, reopen, comments and
 * the activity stream.
 */
export class BitbucketServerApi {
  private readonly routes: Route<Call>[] = [
    ['GET', /^\/pull-requests$/, c => this.list(c)],
    ['POST', /^\/pull-requests$/, c => this.create(c)],
    [
      'GET',
      /^\/pull-requests\/(\d+)$/,
      (c, n) =>
        this.withPull(c, n, async p =>
          this.send(c.res, 200, await c.views.pull(p)),
        ),
    ],
    [
      'PUT',
      /^\/pull-requests\/(\d+)$/,
      (c, n) => this.withPull(c, n, p => this.update(c, p)),
    ],
    [
      'POST',
      /^\/pull-requests\/(\d+)\/(merge|decline|reopen)$/,
      (c, n, action) => this.withPull(c, n, p => this.transition(c, p, action)),
    ],
    [
      'GET',
      /^\/pull-requests\/(\d+)\/activities$/,
      (c, n) => this.withPull(c, n, p => this.activities(c, p)),
    ],
    [
      'GET',
      /^\/pull-requests\/(\d+)\/comments$/,
      (c, n) => this.withPull(c, n, () => this.commentsForPath(c)),
    ],
    [
      'POST',
      /^\/pull-requests\/(\d+)\/comments$/,
      (c, n) => this.withPull(c, n, p => this.createComment(c, p)),
    ],
    [
      'GET',
      /^\/pull-requests\/(\d+)\/comments\/(\d+)$/,
      (c, n, id) => this.withPull(c, n, p => this.getComment(c, p, id)),
    ],
    [
      'POST',
      /^\/commits\/([0-9a-f]+)\/builds$/,
      async (c, sha) =>
        this.answer(
          c.res,
          await this.builds.store(
            c.project,
            c.slug,
            sha,
            c.body,
            c.user.username,
          ),
        ),
    ],
    [
      'GET',
      /^\/commits\/([0-9a-f]+)\/builds$/,
      async (c, sha) =>
        this.answer(
          c.res,
          await this.builds.get(
            c.project,
            c.slug,
            sha,
            c.url.searchParams.get('key'),
          ),
        ),
    ],
  ];
  private readonly builds: BitbucketBuilds;

  constructor(private readonly forge: ForgeHost) {
    this.builds = new BitbucketBuilds(forge);
  }

  private answer(res: http.ServerResponse, [status, body]: [number, unknown]) {
    if (body === undefined) {
      res.writeHead(status);
      res.end();
    } else this.send(res, status, body);
  }

  /** Answers one request under `/rest/api/1.0`. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const route = url.pathname.slice('/rest/api/1.0'.length);
    this.forge.record(`${req.method} bitbucket ${route}`);
    const user = this.forge.authenticate(req);
    if (!user)
      return this.error(
        res,
        401,
        'Authentication failed. Please check your credentials and try again.',
        'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException',
      );
    const fault = await this.forge.nextFault();
    if (fault) {
      const headers: Record<string, string> =
        fault.retryAfterSeconds !== undefined
          ? { 'Retry-After': String(fault.retryAfterSeconds) }
          : {};
      return this.error(
        res,
        fault.status,
        fault.message ?? 'injected failure',
        null,
        {},
        headers,
      );
    }
    const m = /^\/projects\/([^/]+)\/repos\/([^/]+)(\/.*)?$/.exec(route);
    const pulls = m ? this.forge.pullsOf(m[1], m[2]) : undefined;
    if (!m || !pulls)
      return this.error(
        res,
        404,
        `Repository ${m?.[1]}/${m?.[2]} does not exist.`,
        'com.atlassian.bitbucket.repository.NoSuchRepositoryException',
      );
    const [, project, slug, rest = ''] = m;
    res.setHeader('X-AUSERNAME', user.username);
    res.setHeader('X-AUSERID', String(this.forge.userId(user.username)));
    const views = new BitbucketServerViews(this.forge, project, slug);
    const c: Call = {
      req,
      res,
      user,
      url,
      project,
      slug,
      pulls,
      body: await readJson(req),
      views,
    };
    if (!(await dispatch(this.routes, req.method, rest, c)))
      this.error(res, 404, 'Not found', null);
    return undefined;
  }

  private send(
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    res.writeHead(status, {
      'Content-Type': 'application/json;charset=UTF-8',
      ...headers,
    });
    res.end(JSON.stringify(body));
  }

  /** Bitbucket's error body: `{errors: [{context, message, exceptionName, ...details}]}`. */
  private error(
    res: http.ServerResponse,
    status: number,
    message: string,
    exceptionName: string | null,
    details: object = {},
    headers: Record<string, string> = {},
  ) {
    this.send(
      res,
      status,
      { errors: [{ context: null, message, exceptionName, ...details }] },
      headers,
    );
  }

  private withPull(c: Call, id: string, then: (p: PullRequest) => unknown) {
    const p = findPull(c.pulls, id);
    return p
      ? then(p)
      : this.error(
          c.res,
          404,
          `Pull request ${id} does not exist in ${c.project}/${c.slug}.`,
          `${EXCEPTIONS}NoSuchPullRequestException`,
        );
  }

  /** Answers 409 DuplicatePullRequestException, with the open pull request, when there is one for these branches. */
  private async duplicate(
    c: Call,
    head: string,
    base: string,
    except?: PullRequest,
  ) {
    const other = c.pulls.find(
      p =>
        p !== except &&
        p.state === 'open' &&
        p.head === head &&
        p.base === base,
    );
    if (!other) return false;
    const message =
      'Only one pull request may be open for a given source and target branch';
    this.error(
      c.res,
      409,
      message,
      `${EXCEPTIONS}DuplicatePullRequestException`,
      { existingPullRequest: await c.views.pull(other) },
    );
    return true;
  }

  /** Answers 409 PullRequestOutOfDateException (with the current pull request) unless `version` is the current one. */
  private async outOfDate(c: Call, p: PullRequest, version: unknown) {
    const expected =
      version === undefined || version === null || version === ''
        ? -1
        : Number(version);
    if (expected === p.version) return false;
    const message =
      'You are attempting to modify a pull request based on out-of-date information.';
    const details = {
      currentVersion: p.version,
      expectedVersion: expected,
      pullRequest: await c.views.pull(p),
    };
    this.error(
      c.res,
      409,
      message,
      `${EXCEPTIONS}PullRequestOutOfDateException`,
      details,
    );
    return true;
  }

  /** Reviewers from `[{user: {name}}]`; answers 409 InvalidPullRequestReviewersException for unknown users and the author. */
  private reviewers(
    c: Call,
    author: string,
    list: unknown,
  ): string[] | undefined {
    const requested = (Array.isArray(list) ? list : []).map((r: any) =>
      String(r?.user?.name ?? r?.user?.slug ?? ''),
    );
    const problems = requested.filter(
      r => r === author || !this.forge.isUser(r),
    );
    if (!problems.length) return [...new Set(requested)];
    const reviewerErrors = problems.map(r => ({
      context: r,
      message:
        r === author
          ? `${r} is the author and cannot be a reviewer.`
          : `${r} is not a user.`,
    }));
    const validReviewers = requested
      .filter(r => !problems.includes(r))
      .map(r => c.views.user(r));
    const message =
      'Errors encountered while adding some reviewers to this pull request.';
    this.error(
      c.res,
      409,
      message,
      `${EXCEPTIONS}InvalidPullRequestReviewersException`,
      { reviewerErrors, validReviewers },
    );
    return undefined;
  }

  private async list(c: Call) {
    const q = c.url.searchParams;
    const state = (q.get('state') ?? 'OPEN').toUpperCase();
    const at = q.get('at')?.replace(/^refs\/heads\//, '');
    const outgoing =
      (q.get('direction') ?? 'INCOMING').toUpperCase() === 'OUTGOING';
    const list = c.pulls.filter(
      p =>
        (state === 'ALL' || bitbucketState(p) === state) &&
        (!at || (outgoing ? p.head : p.base) === at),
    );
    const values = await Promise.all(
      list
        .slice()
        .reverse()
        .map(p => c.views.pull(p)),
    );
    this.send(c.res, 200, page(values, q));
  }

  private async create(c: Call) {
    const refName = (r: any) =>
      String(r?.id ?? '').replace(/^refs\/heads\//, '');
    const [head, base] = [refName(c.body.fromRef), refName(c.body.toRef)];
    if (!c.body.title || !head || !base)
      return this.error(
        c.res,
        400,
        'title, fromRef and toRef are required',
        null,
      );
    if (await this.duplicate(c, head, base)) return undefined;
    const reviewers = this.reviewers(c, c.user.username, c.body.reviewers);
    if (!reviewers) return undefined;
    const p = this.forge.openPull(c.project, c.slug, {
      title: c.body.title,
      body: String(c.body.description ?? ''),
      head,
      base,
      user: c.user.username,
      reviewers,
    });
    return this.send(c.res, 201, await c.views.pull(p));
  }

  private async update(c: Call, p: PullRequest) {
    if (await this.outOfDate(c, p, c.body.version)) return undefined;
    const reviewers = this.reviewers(c, p.user, c.body.reviewers);
    if (!reviewers) return undefined;
    const base = c.body.toRef?.id
      ? String(c.body.toRef.id).replace(/^refs\/heads\//, '')
      : p.base;
    if (p.state === 'open' && (await this.duplicate(c, p.head, base, p)))
      return undefined;
    Object.assign(p, {
      title: c.body.title ?? p.title,
      body: c.body.description ?? p.body,
      base,
      reviewers,
    });
    this.forge.touch(p);
    return this.send(c.res, 200, await c.views.pull(p));
  }

  /** POST merge / decline / reopen `?version=N`. */
  private async transition(c: Call, p: PullRequest, action: string) {
    if (
      await this.outOfDate(c, p, c.url.searchParams.get('version') ?? undefined)
    )
      return undefined;
    const wanted =
      action === 'reopen'
        ? p.state === 'closed' && !p.merged
        : p.state === 'open';
    if (!wanted) {
      const message = `The pull request is ${bitbucketState(
        p,
      ).toLowerCase()}; it cannot be ${
        action === 'reopen' ? 'reopened' : `${action}d`
      }.`;
      return this.error(
        c.res,
        409,
        message,
        `${EXCEPTIONS}IllegalPullRequestStateException`,
        { pullRequest: await c.views.pull(p) },
      );
    }
    if (action === 'reopen' && (await this.duplicate(c, p.head, p.base, p)))
      return undefined;
    if (action === 'decline') this.forge.close(p, c.user.username);
    if (action === 'reopen') this.forge.reopen(p, c.user.username);
    if (
      action === 'merge' &&
      !(await this.forge.merge(c.project, c.slug, p, c.user.username))
    ) {
      const message = 'The pull request has conflicts and cannot be merged.';
      return this.error(
        c.res,
        409,
        message,
        `${EXCEPTIONS}PullRequestMergeVetoedException`,
        { conflicted: true, vetoes: [] },
      );
    }
    return this.send(c.res, 200, await c.views.pull(p));
  }

  /** The activity stream, newest first: where general comments are listed (COMMENTED / ADDED). */
  private activities(c: Call, p: PullRequest) {
    const values = p.events.map(e => c.views.activity(p, e)).reverse();
    this.send(c.res, 200, page(values, c.url.searchParams));
  }

  /** `GET …/comments` lists the comments on one file of the diff: `path` is required. */
  private commentsForPath(c: Call) {
    if (!c.url.searchParams.get('path'))
      return this.error(
        c.res,
        400,
        'The path query parameter is required to retrieve comments.',
        null,
      );
    return this.send(c.res, 200, page([], c.url.searchParams));
  }

  private createComment(c: Call, p: PullRequest) {
    if (!c.body.text)
      return this.error(c.res, 400, 'The comment text is required.', null);
    return this.send(
      c.res,
      201,
      c.views.comment(
        this.forge.comment(p, String(c.body.text), c.user.username),
      ),
    );
  }

  private getComment(c: Call, p: PullRequest, id: string) {
    const comment = p.comments.find(x => x.id === Number(id));
    if (!comment)
      return this.error(
        c.res,
        404,
        `Comment ${id} does not exist.`,
        'com.atlassian.bitbucket.comment.NoSuchCommentException',
      );
    return this.send(c.res, 200, c.views.comment(comment));
  }
}
