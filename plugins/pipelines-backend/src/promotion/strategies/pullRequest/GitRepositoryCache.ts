import { execFile } from 'child_process';
import { createHash } from 'crypto';
import fs from 'fs';
import path from 'path';
import { promisify } from 'util';
import {
  DEFAULT_GIT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  REDIRECT_REFUSED,
} from './requestTimeout';

const run = promisify(execFile);

/** The backend's GIT_* environment variables that git still sees: which CA to trust. */
const KEPT_GIT_ENV = new Set(['GIT_SSL_CAINFO', 'GIT_SSL_CAPATH']);

/** Credentials for git over HTTP(S): sent as an Authorization header, never written to disk. */
export interface GitCredentials {
  username?: string;
  password?: string;
}

/**
 * The repository to check out: a URL that `Forges.endpoint` accepted (its `gitUrl`), and
 * whether it is http (only for a host an operator configured with `http://`).
 */
export interface GitRemote {
  url: string;
  http?: boolean;
}

/**
 * One clone per repository URL under `dir`, reused across promotions: each checkout
 * fetches what changed instead of cloning anew. Operations on one repository run one at
 * a time. A transfer that moves no data for `stallTimeoutMs` (default 30 s, rounded up to
 * whole seconds) fails (git's `http.lowSpeedLimit`/`http.lowSpeedTime`): otherwise a
 * server that accepts the connection and never answers holds it forever; and any git
 * command is killed after `timeoutMs` (default 5 min), so one that trickles ends too.
 *
 * Credentials go to the remote's URL only: the Authorization header is scoped to it
 * (`http.<url>.extraHeader`), git follows no redirect (`http.followRedirects=false`), runs
 * no credential helper or askpass program, reads no system or global git config (no
 * `insteadOf` rewrite), and speaks https only (http too for a remote configured so:
 * `protocol.allow`, `GIT_ALLOW_PROTOCOL`).
 */
export class GitRepositoryCache {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly stallSeconds: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly dir: string,
    options: { stallTimeoutMs?: number; timeoutMs?: number } = {},
  ) {
    this.stallSeconds = Math.max(
      1,
      Math.ceil((options.stallTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) / 1000),
    );
    this.timeoutMs = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  }

  /**
   * Runs `fn` with a working copy of the remote at `origin/<branch>`, clean. `git` runs git
   * in that working copy with the credentials, sent to the remote only.
   */
  async withCheckout<T>(
    remote: GitRemote,
    branch: string,
    credentials: GitCredentials,
    fn: (repo: {
      path: string;
      git: (...args: string[]) => Promise<string>;
    }) => Promise<T>,
  ): Promise<T> {
    const { url } = remote;
    const repoDir = path.join(
      this.dir,
      createHash('sha256').update(url).digest('hex').slice(0, 16),
    );
    const previous = this.locks.get(repoDir) ?? Promise.resolve();
    const task = previous
      .catch(() => undefined)
      .then(async () => {
        const git = (...args: string[]) =>
          this.git(repoDir, remote, credentials, ...args);
        if (!fs.existsSync(path.join(repoDir, '.git'))) {
          fs.mkdirSync(repoDir, { recursive: true });
          await git('init', '-q');
          await git('remote', 'add', 'origin', url);
        } else {
          await git('remote', 'set-url', 'origin', url);
        }
        await git(
          'fetch',
          '-q',
          '--prune',
          'origin',
          `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
        );
        await git('checkout', '-q', '-f', '-B', branch, `origin/${branch}`);
        await git('clean', '-q', '-fdx');
        return fn({ path: repoDir, git });
      });
    this.locks.set(repoDir, task);
    try {
      return await task;
    } finally {
      if (this.locks.get(repoDir) === task) this.locks.delete(repoDir);
    }
  }

  private async git(
    cwd: string,
    remote: GitRemote,
    credentials: GitCredentials,
    ...args: string[]
  ): Promise<string> {
    const protocols = remote.http ? 'https:http' : 'https';
    const env: NodeJS.ProcessEnv = {
      // None of the backend's own GIT_* settings (a GIT_CONFIG_COUNT, GIT_ASKPASS, GIT_DIR…)
      // but the CA to trust (an organisation's own).
      ...Object.fromEntries(
        Object.entries(process.env).filter(
          ([k]) =>
            (!k.startsWith('GIT_') || KEPT_GIT_ENV.has(k)) &&
            k !== 'SSH_ASKPASS',
        ),
      ),
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_ALLOW_PROTOCOL: protocols,
      GIT_AUTHOR_NAME: 'Backstage Pipelines',
      GIT_AUTHOR_EMAIL: 'pipelines@backstage.local',
      GIT_COMMITTER_NAME: 'Backstage Pipelines',
      GIT_COMMITTER_EMAIL: 'pipelines@backstage.local',
    };
    if (
      credentials.username !== undefined ||
      credentials.password !== undefined
    ) {
      // Through the environment, so the secret is in neither the arguments nor .git/config.
      const basic = Buffer.from(
        `${credentials.username ?? ''}:${credentials.password ?? ''}`,
      ).toString('base64');
      // Scoped to the remote's URL: git sends it to no other host, path or scheme.
      env.GIT_CONFIG_COUNT = '1';
      env.GIT_CONFIG_KEY_0 = `http.${remote.url}.extraHeader`;
      env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${basic}`;
    }
    const settings = [
      // No background gc in the cached clone: it would race with the next checkout.
      'gc.autoDetach=false',
      'http.lowSpeedLimit=1',
      `http.lowSpeedTime=${this.stallSeconds}`,
      'http.followRedirects=false',
      'credential.helper=',
      'core.askPass=',
      'protocol.allow=never',
      'protocol.https.allow=always',
      ...(remote.http ? ['protocol.http.allow=always'] : []),
    ];
    try {
      const { stdout } = await run(
        'git',
        [...settings.flatMap(s => ['-c', s]), ...args],
        {
          cwd,
          env,
          maxBuffer: 64 * 1024 * 1024,
          timeout: this.timeoutMs,
          killSignal: 'SIGKILL',
        },
      );
      return stdout.trim();
    } catch (e: any) {
      if (e?.killed && e?.signal === 'SIGKILL')
        throw new Error(
          `git ${args[0]} did not finish within ${this.timeoutMs / 1000} s`,
        );
      // git's message, without anything from the environment
      const message = String(e?.stderr ?? e?.message ?? e)
        .trim()
        .split('\n')
        .slice(-3)
        .join(' ');
      throw new Error(
        // git ≥ 2.39 with followRedirects=false: "The requested URL returned error: 302"
        /redirect|returned error: 30[1-8]\b/i.test(message)
          ? `git ${args[0]} failed: the forge answered with a redirect; ${REDIRECT_REFUSED}: configure the repository's final address (${message})`
          : `git ${args[0]} failed: ${message}`,
      );
    }
  }
}
