import { spawn } from 'child_process';
import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import { BitbucketServerApi } from './bitbucketServerApi';
import { git } from './git';
import { GithubApi } from './githubApi';
import { GitlabApi } from './gitlabApi';
import {
  CommitStatus,
  Fault,
  ForgeHost,
  ForgeUser,
  PullRequest,
} from './model';
import { PullRequestStore } from './pullRequests';

export type { Fault, ForgeUser, PullRequest } from './model';

/**
 * A git forge on 127.0.0.1: real bare repositories over git smart-HTTP (`git
 * http-backend`) with basic or token auth, and the pull-request subsets of GitHub's REST
 * API (v3, under `/api/v3`, as GitHub Enterprise serves it), GitLab's REST API v4 and
 * Bitbucket Server's REST API 1.0 — shaped so that octokit and @gitbeaker/rest work
 * unmodified. Pull requests live on the repository's branches: merging merges.
 */
export class GitForge {
  private server?: http.Server;
  private readonly pulls = new PullRequestStore();
  /** Commit statuses of every repository, oldest first. */
  private readonly statuses: Array<CommitStatus & { repo: string }> = [];
  private statusIds = 0;
  private readonly faults: Fault[] = [];
  private readonly otherUserIds = new Map<string, number>();
  /** What the API modules get from the forge. */
  private readonly host: ForgeHost = this.createHost();
  private readonly apis: Array<
    [
      prefix: string,
      api: {
        handle(
          req: http.IncomingMessage,
          res: http.ServerResponse,
          url: URL,
        ): Promise<void>;
      },
    ]
  > = [
    ['/api/v3/', new GithubApi(this.host)],
    ['/api/v4/', new GitlabApi(this.host)],
    ['/rest/api/1.0/', new BitbucketServerApi(this.host)],
  ];
  /** Every API request, for tests: `METHOD path` (GitHub), `METHOD gitlab path`, `METHOD bitbucket path`. */
  readonly requests: string[] = [];
  url = '';

  constructor(readonly dir: string, private readonly users: ForgeUser[]) {}

  static async start(options: {
    dir?: string;
    port?: number;
    users: ForgeUser[];
  }): Promise<GitForge> {
    const dir =
      options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-forge-'));
    fs.mkdirSync(path.join(dir, 'repos'), { recursive: true });
    const forge = new GitForge(dir, options.users);
    const server = http.createServer((req, res) => {
      forge.handle(req, res).catch(e => {
        if (!res.headersSent)
          res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: String(e?.message ?? e) }));
      });
    });
    await new Promise<void>(resolve =>
      server.listen(options.port ?? 0, '127.0.0.1', resolve),
    );
    forge.server = server;
    forge.url = `http://127.0.0.1:${(server.address() as any).port}`;
    return forge;
  }

  async stop() {
    await new Promise(resolve => this.server?.close(resolve));
  }

  /** The next API responses are these failures (429 with Retry-After, 5xx, latency…), in order. */
  injectFaults(...faults: Fault[]) {
    this.faults.push(...faults);
  }

  /** Takes the next fault: waits its delay; returns it when it has a status to answer with. */
  private async nextFault(): Promise<(Fault & { status: number }) | undefined> {
    const fault = this.faults.shift();
    if (fault?.delayMs) await new Promise(r => setTimeout(r, fault.delayMs));
    return fault?.status ? (fault as Fault & { status: number }) : undefined;
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
    this.pulls.addRepo(owner, repo);
    return `${this.url}/${owner}/${repo}.git`;
  }

  /** The content of a file on a branch. */
  async readFile(
    owner: string,
    repo: string,
    ref: string,
    file: string,
  ): Promise<string> {
    return git(this.repoPath(owner, repo), 'show', `${ref}:${file}`);
  }

  /** The pull requests of a repository, oldest first (the live objects: they change with the forge). */
  listPulls(owner: string, repo: string): PullRequest[] {
    return this.pulls.of(owner, repo) ?? [];
  }

  /** Test helper: closes (GitHub, GitLab) or declines (Bitbucket) an open pull request without merging it. */
  closePull(
    owner: string,
    repo: string,
    number: number,
    byUsername = this.users[0]?.username ?? 'forge-admin',
  ): PullRequest {
    const p = this.pulls.get(owner, repo, number);
    if (p.state !== 'open')
      throw new Error(`${owner}/${repo}#${number} is not open`);
    this.pulls.close(p, byUsername);
    return p;
  }

  /** Test helper: merges an open pull request as `byUsername` (its merged_by), with a real merge commit on the base branch. */
  async mergePull(
    owner: string,
    repo: string,
    number: number,
    byUsername: string,
  ): Promise<PullRequest> {
    const p = this.pulls.get(owner, repo, number);
    if (p.state !== 'open')
      throw new Error(`${owner}/${repo}#${number} is not open`);
    if (!(await this.merge(owner, repo, p, byUsername)))
      throw new Error(`${owner}/${repo}#${number} has conflicts`);
    return p;
  }

  /** The small interface the API modules use (arrow functions: the constructor's parameters are read when called). */
  private createHost(): ForgeHost {
    const url = () => this.url;
    return {
      get url() {
        return url();
      },
      record: request => this.requests.push(request),
      authenticate: req => this.authenticate(req),
      nextFault: () => this.nextFault(),
      pullsOf: (owner, repo) => this.pulls.of(owner, repo),
      branchSha: (owner, repo, branch) =>
        git(
          this.repoPath(owner, repo),
          'rev-parse',
          '--verify',
          '-q',
          `refs/heads/${branch}`,
        ).catch(() => ''),
      commitSha: (owner, repo, sha) =>
        /^[0-9a-f]{4,40}$/.test(sha)
          ? git(
              this.repoPath(owner, repo),
              'rev-parse',
              '--verify',
              '-q',
              `${sha}^{commit}`,
            ).catch(() => '')
          : Promise.resolve(''),
      addStatus: (owner, repo, status) => {
        const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
        const saved = {
          ...status,
          id: ++this.statusIds,
          created_at: at,
          updated_at: at,
        };
        this.statuses.push({ repo: `${owner}/${repo}`, ...saved });
        return saved;
      },
      statusesOf: (owner, repo, sha) =>
        this.statuses
          .filter(s => s.repo === `${owner}/${repo}` && s.sha === sha)
          .map(({ repo: _repo, ...s }) => s)
          .reverse(),
      userId: username => this.userId(username),
      userById: id =>
        this.users[id - 1]?.username ??
        [...this.otherUserIds].find(([, v]) => v === id)?.[0],
      isUser: username => this.users.some(u => u.username === username),
      openPull: (owner, repo, fields) => this.pulls.open(owner, repo, fields),
      merge: (owner, repo, p, by) => this.merge(owner, repo, p, by),
      close: (p, by) => this.pulls.close(p, by),
      reopen: (p, by) => this.pulls.reopen(p, by),
      comment: (p, body, by) => this.pulls.comment(p, body, by),
      touch: p => this.pulls.touch(p),
    };
  }

  /** Forge users are 1, 2…; other names (e.g. a merger given to mergePull) get ids from 1001. */
  private userId(username: string): number {
    const i = this.users.findIndex(u => u.username === username);
    if (i >= 0) return i + 1;
    if (!this.otherUserIds.has(username))
      this.otherUserIds.set(username, 1000 + this.otherUserIds.size + 1);
    return this.otherUserIds.get(username)!;
  }

  /** Merges the head branch into the base branch with a merge commit; false (nothing changed) when they conflict. */
  private async merge(
    owner: string,
    repo: string,
    p: PullRequest,
    by: string,
  ): Promise<boolean> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-merge-'));
    try {
      await git(
        work,
        'clone',
        '-q',
        '-b',
        p.base,
        this.repoPath(owner, repo),
        '.',
      );
      const message = `Merge pull request #${p.number} from ${p.head}`;
      const clean = await git(
        work,
        'merge',
        '-q',
        '--no-ff',
        '-m',
        message,
        `origin/${p.head}`,
      ).then(
        () => true,
        () => false,
      );
      if (!clean) return false;
      await git(work, 'push', '-q', 'origin', p.base);
      this.pulls.merged(p, by, await git(work, 'rev-parse', 'HEAD'));
      return true;
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }

  private authenticate(req: http.IncomingMessage): ForgeUser | undefined {
    const privateToken = req.headers['private-token'];
    if (typeof privateToken === 'string')
      return this.users.find(u => u.token === privateToken);
    const header = req.headers.authorization ?? '';
    const [scheme, value = ''] = header.split(' ');
    if (/^(token|bearer)$/i.test(scheme))
      return this.users.find(u => u.token === value);
    if (/^basic$/i.test(scheme)) {
      const [user, ...rest] = Buffer.from(value, 'base64')
        .toString('utf8')
        .split(':');
      const secret = rest.join(':');
      return this.users.find(
        u =>
          (u.username === user && u.password === secret) || u.token === secret,
      );
    }
    return undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', this.url);
    const api = this.apis.find(([prefix]) => url.pathname.startsWith(prefix));
    if (api) {
      await api[1].handle(req, res, url);
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
  private gitHttpBackend(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    user: ForgeUser,
  ) {
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
}
