import { spawn } from 'child_process';
import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import { git } from './git';

export interface ForgeUser {
  username: string;
  password: string;
  /** API token (GitHub `token`/`Bearer`, also accepted as the git password). */
  token: string;
}

interface PullRequest {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  merged: boolean;
  user: string;
  created_at: string;
  updated_at: string;
  merged_at: string | null;
  comments: Array<{ id: number; body: string; user: string }>;
}

/** GitLab's name for a pull request's state. */
const gitlabState = (p: { merged: boolean; state: 'open' | 'closed' }) => {
  if (p.merged) return 'merged';
  return p.state === 'open' ? 'opened' : 'closed';
};

export interface Fault {
  /** The status to answer with; without one, the request is only delayed and then served. */
  status?: number;
  retryAfterSeconds?: number;
  message?: string;
  /** Wait this long before answering. */
  delayMs?: number;
}

/**
 * A git forge on 127.0.0.1: real bare repositories over git smart-HTTP (`git
 * http-backend`) with basic or token auth, and the subset of GitHub's REST API (v3, under
 * `/api/v3`, as GitHub Enterprise serves it) that promotions use — shaped so that octokit
 * works unmodified. Pull requests live on the repository's branches: merging merges.
 */
export class GitForge {
  private server?: http.Server;
  private readonly pulls = new Map<string, PullRequest[]>();
  private readonly faults: Fault[] = [];
  /** Bitbucket Server's optimistic-locking version of each pull request. */
  private readonly bitbucketVersions = new Map<string, number>();
  /** Every API request, for tests: `METHOD path`. */
  readonly requests: string[] = [];
  url = '';

  constructor(
    readonly dir: string,
    private readonly users: ForgeUser[],
  ) {}

  static async start(options: { dir?: string; port?: number; users: ForgeUser[] }): Promise<GitForge> {
    const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-forge-'));
    fs.mkdirSync(path.join(dir, 'repos'), { recursive: true });
    const forge = new GitForge(dir, options.users);
    const server = http.createServer((req, res) => {
      forge.handle(req, res).catch(e => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: String(e?.message ?? e) }));
      });
    });
    await new Promise<void>(resolve => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    forge.server = server;
    forge.url = `http://127.0.0.1:${(server.address() as any).port}`;
    return forge;
  }

  async stop() {
    await new Promise(resolve => this.server?.close(resolve));
  }

  /** Takes the next fault: waits its delay; returns it when it has a status to answer with. */
  private async nextFault(): Promise<(Fault & { status: number }) | undefined> {
    const fault = this.faults.shift();
    if (fault?.delayMs) await new Promise(r => setTimeout(r, fault.delayMs));
    return fault?.status ? (fault as Fault & { status: number }) : undefined;
  }

  /** The next API responses are these failures (429 with Retry-After, 5xx, latency…), in order. */
  injectFaults(...faults: Fault[]) {
    this.faults.push(...faults);
  }

  repoPath(owner: string, repo: string) {
    return path.join(this.dir, 'repos', owner, `${repo}.git`);
  }

  /** Creates a bare repository with `files` committed on `main`. */
  async createRepo(owner: string, repo: string, files: Record<string, string>) {
    const bare = this.repoPath(owner, repo);
    fs.mkdirSync(bare, { recursive: true });
    await git(bare, 'init', '--bare', '-q', '-b', 'main');
    await git(bare, 'config', 'http.receivepack', 'true');
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-seed-'));
    try {
      await git(work, 'init', '-q', '-b', 'main');
      for (const [file, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
        fs.writeFileSync(path.join(work, file), content);
      }
      await git(work, 'add', '-A');
      await git(work, 'commit', '-q', '-m', 'Initial commit');
      await git(work, 'push', '-q', bare, 'main');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    this.pulls.set(`${owner}/${repo}`, []);
    return `${this.url}/${owner}/${repo}.git`;
  }

  /** The content of a file on a branch. */
  async readFile(owner: string, repo: string, ref: string, file: string): Promise<string> {
    return git(this.repoPath(owner, repo), 'show', `${ref}:${file}`);
  }

  listPulls(owner: string, repo: string): PullRequest[] {
    return this.pulls.get(`${owner}/${repo}`) ?? [];
  }

  private authenticate(req: http.IncomingMessage): ForgeUser | undefined {
    const privateToken = req.headers['private-token'];
    if (typeof privateToken === 'string') return this.users.find(u => u.token === privateToken);
    const header = req.headers.authorization ?? '';
    const [scheme, value = ''] = header.split(' ');
    if (/^(token|bearer)$/i.test(scheme)) return this.users.find(u => u.token === value);
    if (/^basic$/i.test(scheme)) {
      const [user, ...rest] = Buffer.from(value, 'base64').toString('utf8').split(':');
      const secret = rest.join(':');
      return this.users.find(u => (u.username === user && u.password === secret) || u.token === secret);
    }
    return undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', this.url);
    if (url.pathname.startsWith('/api/v3/')) {
      await this.github(req, res, url);
      return;
    }
    if (url.pathname.startsWith('/api/v4/')) {
      await this.gitlab(req, res, url);
      return;
    }
    if (url.pathname.startsWith('/rest/api/1.0/')) {
      await this.bitbucketServer(req, res, url);
      return;
    }
    const user = this.authenticate(req);
    if (!user) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="sandbox forge"' });
      res.end('authentication required');
      return;
    }
    this.gitHttpBackend(req, res, url, user);
  }

  /** git smart-HTTP through git's own CGI program. */
  private gitHttpBackend(req: http.IncomingMessage, res: http.ServerResponse, url: URL, user: ForgeUser) {
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: path.join(this.dir, 'repos'),
        GIT_HTTP_EXPORT_ALL: '1',
        // Bitbucket Server serves git under /scm/<project>/<repo>.git
        PATH_INFO: url.pathname.replace(/^\/scm\//, '/'),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method,
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_LENGTH: req.headers['content-length'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_USER: user.username,
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      headersDone = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString('utf8').split('\r\n')) {
        const i = line.indexOf(':');
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (/^status$/i.test(name)) status = Number(value.split(' ')[0]);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      res.write(head.subarray(end + 4));
    });
    cgi.on('close', () => res.end());
  }

  private async github(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const route = url.pathname.slice('/api/v3'.length);
    this.requests.push(`${req.method} ${route}`);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'X-RateLimit-Limit': '5000',
        'X-RateLimit-Remaining': '4999',
        'X-RateLimit-Used': '1',
        'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + 3600),
        'X-RateLimit-Resource': 'core',
        'X-GitHub-Media-Type': 'github.v3',
        ...headers,
      });
      res.end(JSON.stringify(body));
    };
    const user = this.authenticate(req);
    if (!user) return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    const fault = await this.nextFault();
    if (fault) {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
      if (fault.status === 429 || fault.status === 403) {
        headers['X-RateLimit-Remaining'] = '0';
        headers['X-RateLimit-Reset'] = String(Math.ceil(Date.now() / 1000) + (fault.retryAfterSeconds ?? 1));
      }
      return send(fault.status, { message: fault.message ?? 'injected failure' }, headers);
    }
    const body = await this.readJson(req);
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(route);
    if (!m || !this.pulls.has(`${m[1]}/${m[2]}`)) return send(404, { message: 'Not Found' });
    const [, owner, repo, rest = ''] = m;
    const pulls = this.pulls.get(`${owner}/${repo}`)!;
    const bare = this.repoPath(owner, repo);
    const sha = (ref: string) => git(bare, 'rev-parse', `refs/heads/${ref}`).catch(() => '');
    const view = async (p: PullRequest) => ({
      number: p.number,
      id: p.number,
      state: p.state,
      title: p.title,
      body: p.body,
      merged: p.merged,
      merged_at: p.merged_at,
      user: { login: p.user },
      html_url: `${this.url}/${owner}/${repo}/pull/${p.number}`,
      url: `${this.url}/api/v3/repos/${owner}/${repo}/pulls/${p.number}`,
      head: { ref: p.head, sha: await sha(p.head), label: `${owner}:${p.head}`, repo: { full_name: `${owner}/${repo}` } },
      base: { ref: p.base, sha: await sha(p.base), label: `${owner}:${p.base}`, repo: { full_name: `${owner}/${repo}` } },
      created_at: p.created_at,
      updated_at: p.updated_at,
    });

    if (rest === '' && req.method === 'GET') {
      return send(200, { id: 1, name: repo, full_name: `${owner}/${repo}`, default_branch: 'main', private: true, clone_url: `${this.url}/${owner}/${repo}.git`, html_url: `${this.url}/${owner}/${repo}` });
    }
    if (rest === '/pulls' && req.method === 'GET') {
      const state = url.searchParams.get('state') ?? 'open';
      const head = url.searchParams.get('head')?.split(':').pop();
      const base = url.searchParams.get('base');
      const list = pulls.filter(p => (state === 'all' || p.state === state) && (!head || p.head === head) && (!base || p.base === base));
      return send(200, await Promise.all(list.slice().reverse().map(view)));
    }
    if (rest === '/pulls' && req.method === 'POST') {
      if (!body.title || !body.head || !body.base) return send(422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'missing_field' }] });
      if (!(await sha(body.head))) return send(422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }] });
      if (pulls.some(p => p.state === 'open' && p.head === body.head && p.base === body.base)) {
        return send(422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${owner}:${body.head}.` }] });
      }
      const now = new Date().toISOString();
      const p: PullRequest = { number: pulls.length + 1, title: body.title, body: body.body ?? '', head: body.head, base: body.base, state: 'open', merged: false, user: user.username, created_at: now, updated_at: now, merged_at: null, comments: [] };
      pulls.push(p);
      return send(201, await view(p));
    }
    const one = /^\/pulls\/(\d+)(\/merge)?$/.exec(rest);
    const comment = /^\/issues\/(\d+)\/comments$/.exec(rest);
    const number = Number((one ?? comment)?.[1]);
    const p = one || comment ? pulls.find(x => x.number === number) : undefined;
    if ((one || comment) && !p) return send(404, { message: 'Not Found' });
    if (one && !one[2] && req.method === 'GET') return send(200, await view(p!));
    if (one && !one[2] && req.method === 'PATCH') {
      if (body.title !== undefined) p!.title = body.title;
      if (body.body !== undefined) p!.body = body.body;
      if (body.state === 'closed' || body.state === 'open') p!.state = body.state;
      p!.updated_at = new Date().toISOString();
      return send(200, await view(p!));
    }
    if (one && one[2] && req.method === 'PUT') {
      if (p!.state !== 'open') return send(405, { message: 'Pull Request is not mergeable' });
      await this.merge(bare, p!);
      return send(200, { sha: await sha(p!.base), merged: true, message: 'Pull Request successfully merged' });
    }
    if (comment && req.method === 'POST') {
      const c = { id: p!.comments.length + 1, body: String(body.body ?? ''), user: user.username };
      p!.comments.push(c);
      return send(201, { id: c.id, body: c.body, user: { login: c.user } });
    }
    return send(404, { message: 'Not Found' });
  }

  private async readJson(req: http.IncomingMessage): Promise<any> {
    if (req.method === 'GET') return {};
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
  }

  /**
   * GitLab's REST API v4, the merge-request subset, shaped for @gitbeaker/rest: projects
   * by id or URL-encoded path, merge requests list / create / edit / merge.
   */
  private async gitlab(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const route = url.pathname.slice('/api/v4'.length);
    this.requests.push(`${req.method} gitlab ${route}`);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'RateLimit-Limit': '2000', 'RateLimit-Remaining': '1999', ...headers });
      res.end(JSON.stringify(body));
    };
    const user = this.authenticate(req);
    if (!user) return send(401, { message: '401 Unauthorized' });
    const fault = await this.nextFault();
    if (fault) {
      return send(fault.status, { message: fault.message ?? 'injected failure' }, fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {});
    }
    const body = await this.readJson(req);
    const m = /^\/projects\/([^/]+)(\/.*)?$/.exec(route);
    const projectPath = m ? decodeURIComponent(m[1]) : '';
    if (!m || !this.pulls.has(projectPath)) return send(404, { message: '404 Project Not Found' });
    const [owner, repo] = projectPath.split('/');
    const rest = m[2] ?? '';
    const pulls = this.pulls.get(projectPath)!;
    const view = (p: PullRequest) => ({
      id: 1000 + p.number,
      iid: p.number,
      project_id: 1,
      title: p.title,
      description: p.body,
      state: gitlabState(p),
      source_branch: p.head,
      target_branch: p.base,
      web_url: `${this.url}/${owner}/${repo}/-/merge_requests/${p.number}`,
      author: { username: p.user },
      created_at: p.created_at,
      updated_at: p.updated_at,
    });
    if (rest === '' && req.method === 'GET') {
      return send(200, { id: 1, path_with_namespace: projectPath, default_branch: 'main', http_url_to_repo: `${this.url}/${owner}/${repo}.git`, web_url: `${this.url}/${owner}/${repo}` });
    }
    if (rest === '/merge_requests' && req.method === 'GET') {
      const state = url.searchParams.get('state');
      const source = url.searchParams.get('source_branch');
      const target = url.searchParams.get('target_branch');
      const list = pulls.map(view).filter(v => (!state || state === 'all' || v.state === state) && (!source || v.source_branch === source) && (!target || v.target_branch === target));
      return send(200, list.reverse(), { 'X-Total': String(list.length), 'X-Page': '1', 'X-Total-Pages': '1', 'X-Per-Page': '20' });
    }
    if (rest === '/merge_requests' && req.method === 'POST') {
      if (!body.source_branch || !body.target_branch || !body.title) return send(400, { message: 'source_branch, target_branch, title are missing' });
      if (pulls.some(p => p.state === 'open' && p.head === body.source_branch && p.base === body.target_branch)) {
        return send(409, { message: [`Another open merge request already exists for this source branch`] });
      }
      const now = new Date().toISOString();
      const p: PullRequest = { number: pulls.length + 1, title: body.title, body: body.description ?? '', head: body.source_branch, base: body.target_branch, state: 'open', merged: false, user: user.username, created_at: now, updated_at: now, merged_at: null, comments: [] };
      pulls.push(p);
      return send(201, view(p));
    }
    const one = /^\/merge_requests\/(\d+)(\/merge)?$/.exec(rest);
    const p = one ? pulls.find(x => x.number === Number(one[1])) : undefined;
    if (one && !p) return send(404, { message: '404 Not found' });
    if (one && !one[2] && req.method === 'GET') return send(200, view(p!));
    if (one && !one[2] && req.method === 'PUT') {
      if (body.title !== undefined) p!.title = body.title;
      if (body.description !== undefined) p!.body = body.description;
      if (body.state_event === 'close') p!.state = 'closed';
      if (body.state_event === 'reopen') p!.state = 'open';
      p!.updated_at = new Date().toISOString();
      return send(200, view(p!));
    }
    if (one && one[2] && req.method === 'PUT') {
      if (p!.state !== 'open') return send(405, { message: '405 Method Not Allowed' });
      await this.merge(this.repoPath(owner, repo), p!);
      return send(200, view(p!));
    }
    return send(404, { message: '404 Not Found' });
  }

  /**
   * Bitbucket Server's REST API 1.0, the pull-request subset: list (filtered by branch),
   * create, update (with optimistic `version`), merge, decline.
   */
  private async bitbucketServer(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const route = url.pathname.slice('/rest/api/1.0'.length);
    this.requests.push(`${req.method} bitbucket ${route}`);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, message: string, headers: Record<string, string> = {}) =>
      send(status, { errors: [{ context: null, message, exceptionName: null }] }, headers);
    const user = this.authenticate(req);
    if (!user) return error(401, 'Authentication failed. Please check your credentials and try again.');
    const fault = await this.nextFault();
    if (fault) {
      return error(fault.status, fault.message ?? 'injected failure', fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {});
    }
    const body = await this.readJson(req);
    const m = /^\/projects\/([^/]+)\/repos\/([^/]+)(\/.*)?$/.exec(route);
    if (!m || !this.pulls.has(`${m[1]}/${m[2]}`)) return error(404, 'Repository does not exist.');
    const [, project, slug, rest = ''] = m;
    const pulls = this.pulls.get(`${project}/${slug}`)!;
    const versions = this.bitbucketVersions;
    const versionOf = (p: PullRequest) => versions.get(`${project}/${slug}#${p.number}`) ?? 0;
    const bump = (p: PullRequest) => versions.set(`${project}/${slug}#${p.number}`, versionOf(p) + 1);
    const ref = (branch: string) => ({ id: `refs/heads/${branch}`, displayId: branch, repository: { slug, project: { key: project } } });
    const view = (p: PullRequest) => ({
      id: p.number,
      version: versionOf(p),
      title: p.title,
      description: p.body,
      state: gitlabState(p) === 'opened' ? 'OPEN' : gitlabState(p).replace('closed', 'declined').toUpperCase(),
      open: p.state === 'open',
      closed: p.state !== 'open',
      fromRef: ref(p.head),
      toRef: ref(p.base),
      author: { user: { name: p.user } },
      links: { self: [{ href: `${this.url}/projects/${project}/repos/${slug}/pull-requests/${p.number}` }] },
      createdDate: Date.parse(p.created_at),
      updatedDate: Date.parse(p.updated_at),
    });
    const refName = (r: any) => String(r?.id ?? '').replace(/^refs\/heads\//, '');
    if (rest === '/pull-requests' && req.method === 'GET') {
      const state = (url.searchParams.get('state') ?? 'OPEN').toUpperCase();
      const at = url.searchParams.get('at')?.replace(/^refs\/heads\//, '');
      const direction = (url.searchParams.get('direction') ?? 'INCOMING').toUpperCase();
      const values = pulls
        .map(view)
        .filter(v => (state === 'ALL' || v.state === state) && (!at || (direction === 'OUTGOING' ? v.fromRef.displayId : v.toRef.displayId) === at))
        .reverse();
      return send(200, { size: values.length, limit: 25, isLastPage: true, start: 0, values });
    }
    if (rest === '/pull-requests' && req.method === 'POST') {
      const head = refName(body.fromRef);
      const base = refName(body.toRef);
      if (!body.title || !head || !base) return error(400, 'title, fromRef and toRef are required');
      if (pulls.some(p => p.state === 'open' && p.head === head && p.base === base)) {
        return error(409, `Only one pull request may be open for a given source and target branch`);
      }
      const now = new Date().toISOString();
      const p: PullRequest = { number: pulls.length + 1, title: body.title, body: body.description ?? '', head, base, state: 'open', merged: false, user: user.username, created_at: now, updated_at: now, merged_at: null, comments: [] };
      pulls.push(p);
      return send(201, view(p));
    }
    const one = /^\/pull-requests\/(\d+)(\/merge|\/decline)?$/.exec(rest);
    const p = one ? pulls.find(x => x.number === Number(one[1])) : undefined;
    if (one && !p) return error(404, 'Pull request does not exist.');
    if (one && !one[2] && req.method === 'GET') return send(200, view(p!));
    const expected = one && (one[2] ? Number(url.searchParams.get('version')) : Number(body.version));
    if (one && req.method !== 'GET' && expected !== versionOf(p!)) {
      return error(409, `You are attempting to modify a pull request based on out-of-date information (version ${expected}, current ${versionOf(p!)}).`);
    }
    if (one && !one[2] && req.method === 'PUT') {
      if (body.title !== undefined) p!.title = body.title;
      if (body.description !== undefined) p!.body = body.description;
      p!.updated_at = new Date().toISOString();
      bump(p!);
      return send(200, view(p!));
    }
    if (one && one[2] === '/merge' && req.method === 'POST') {
      if (p!.state !== 'open') return error(409, 'The pull request is not open');
      await this.merge(this.repoPath(project, slug), p!);
      bump(p!);
      return send(200, view(p!));
    }
    if (one && one[2] === '/decline' && req.method === 'POST') {
      p!.state = 'closed';
      bump(p!);
      return send(200, view(p!));
    }
    return error(404, 'Not found');
  }

  /** Merges the head branch into the base branch of the bare repository, with a merge commit. */
  private async merge(bare: string, p: PullRequest) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-merge-'));
    try {
      await git(work, 'clone', '-q', '-b', p.base, bare, '.');
      await git(work, 'merge', '-q', '--no-ff', '-m', `Merge pull request #${p.number} from ${p.head}`, `origin/${p.head}`);
      await git(work, 'push', '-q', 'origin', p.base);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    const now = new Date().toISOString();
    Object.assign(p, { state: 'closed', merged: true, merged_at: now, updated_at: now });
  }
}
