import { execFile } from 'child_process';
import { createHash } from 'crypto';
import fs from 'fs';
import path from 'path';
import { promisify } from 'util';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './requestTimeout';

const run = promisify(execFile);

/** Credentials for git over HTTP(S): sent as an Authorization header, never written to disk. */
export interface GitCredentials {
  username?: string;
  password?: string;
}

/**
 * One clone per repository URL under `dir`, reused across promotions: each checkout
 * fetches what changed instead of cloning anew. Operations on one repository run one at
 * a time. A transfer that moves no data for `stallTimeoutMs` (default 30 s, rounded up to
 * whole seconds) fails (git's `http.lowSpeedLimit`/`http.lowSpeedTime`): otherwise a
 * server that accepts the connection and never answers holds it forever.
 */
export class GitRepositoryCache {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly stallSeconds: number;

  constructor(
    private readonly dir: string,
    options: { stallTimeoutMs?: number } = {},
  ) {
    this.stallSeconds = Math.max(
      1,
      Math.ceil((options.stallTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) / 1000),
    );
  }

  /**
   * Runs `fn` with a working copy of `url` at `origin/<branch>`, clean. `git` runs git in
   * that working copy with the credentials.
   */
  async withCheckout<T>(
    url: string,
    branch: string,
    credentials: GitCredentials,
    fn: (repo: {
      path: string;
      git: (...args: string[]) => Promise<string>;
    }) => Promise<T>,
  ): Promise<T> {
    const repoDir = path.join(
      this.dir,
      createHash('sha256').update(url).digest('hex').slice(0, 16),
    );
    const previous = this.locks.get(repoDir) ?? Promise.resolve();
    const task = previous
      .catch(() => undefined)
      .then(async () => {
        const git = (...args: string[]) =>
          this.git(repoDir, credentials, ...args);
        if (!fs.existsSync(path.join(repoDir, '.git'))) {
          fs.mkdirSync(repoDir, { recursive: true });
          await this.git(repoDir, credentials, 'init', '-q');
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
    credentials: GitCredentials,
    ...args: string[]
  ): Promise<string> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_NOSYSTEM: '1',
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
      env.GIT_CONFIG_COUNT = '1';
      env.GIT_CONFIG_KEY_0 = 'http.extraHeader';
      env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${basic}`;
    }
    try {
      // No background gc in the cached clone: it would race with the next checkout.
      const stall = [
        '-c',
        'http.lowSpeedLimit=1',
        '-c',
        `http.lowSpeedTime=${this.stallSeconds}`,
      ];
      const { stdout } = await run(
        'git',
        ['-c', 'gc.autoDetach=false', ...stall, ...args],
        { cwd, env, maxBuffer: 64 * 1024 * 1024 },
      );
      return stdout.trim();
    } catch (e: any) {
      // git's message, without anything from the environment
      throw new Error(
        `git ${args[0]} failed: ${String(e?.stderr ?? e?.message ?? e)
          .trim()
          .split('\n')
          .slice(-3)
          .join(' ')}`,
      );
    }
  }
}
