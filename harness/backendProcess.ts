import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import path from 'path';

/*
 * Running the demo app's backend (packages/backend) as a child process against the sandbox:
 * shared by the fault suite (chaos/) and the attack suite (security/).
 */

const root = path.resolve(__dirname, '..');
/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Polls `fn` every `everyMs` until it returns a truthy value; throws `timed out: <what>` after `timeoutMs`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(everyMs);
  }
}

/**
 * One backend process of the demo app (`packages/backend/src/index.ts` through the Backstage
 * CLI's TypeScript transform, no watcher in between), so SIGKILL hits the process that holds
 * the claims. Extra environment (e.g. `PIPELINES_CRASH_POINT`) is set per start.
 */
export class BackendProcess {
  private child?: ChildProcess;
  private exit?: Promise<number | null>;
  /**
   * The sign-in provider whose user reads podinfo-02 to tell that the backend is warm: the
   * guest by default; one of its owners (e.g. `outsider`) when reads are for owners only.
   */
  warmUpAs = 'guest';

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly configFile: string,
    private readonly logFile: string,
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid() {
    return this.child?.pid;
  }

  get running() {
    return Boolean(
      this.child &&
        this.child.exitCode === null &&
        this.child.signalCode === null,
    );
  }

  /** Starts the process and waits until it answers its readiness check. */
  async start(env: Record<string, string> = {}, timeoutMs = 180_000) {
    const out = fs.openSync(this.logFile, 'a');
    fs.writeSync(
      out,
      `\n--- ${new Date().toISOString()} start ${JSON.stringify(env)}\n`,
    );
    this.child = spawn(
      process.execPath,
      [
        '--require',
        '@backstage/cli-node/config/nodeTransform.cjs',
        'src/index.ts',
        '--config',
        path.join(root, 'app-config.yaml'),
        '--config',
        this.configFile,
      ],
      {
        cwd: path.join(root, 'packages', 'backend'),
        env: { ...process.env, NODE_ENV: 'development', ...env },
        stdio: ['ignore', out, out],
      },
    );
    const child = this.child;
    this.exit = new Promise(resolve =>
      child.once('exit', code => resolve(code)),
    );
    await until(
      `${this.name} ready (log ${this.logFile})`,
      async () => {
        if (!this.running)
          throw new Error(
            `${this.name} exited during start-up (log ${this.logFile})`,
          );
        return (await fetch(`${this.url}/.backstage/health/v1/readiness`)).ok;
      },
      timeoutMs,
      250,
    ).catch(e => {
      if (!this.running)
        throw new Error(
          `${this.name} exited during start-up (log ${this.logFile})`,
        );
      throw e;
    });
    // Ready is not warm: wait until its watch cache has listed the demo pipeline. The guest
    // reads it with one token; another user signs in again on each try, since their ownership
    // claims come from the catalog, which may not have read the org's users yet.
    let token = await this.signInToken(this.warmUpAs);
    await until(
      `${this.name} lists podinfo-02 (as ${this.warmUpAs})`,
      async () => {
        if (this.warmUpAs !== 'guest')
          token = await this.signInToken(this.warmUpAs);
        return (
          await fetch(
            `${this.url}/api/pipelines/v1/pipelines/management/flux-system/podinfo-02`,
            { headers: { Authorization: `Bearer ${token}` } },
          )
        ).ok;
      },
      60_000,
      100,
    );
  }

  /** Resolves when the process has exited (a crash point, a kill). */
  async exited(timeoutMs: number) {
    if (!this.exit) return;
    await Promise.race([
      this.exit,
      sleep(timeoutMs).then(() =>
        Promise.reject(
          new Error(`${this.name} did not exit within ${timeoutMs} ms`),
        ),
      ),
    ]);
  }

  async kill9() {
    if (this.running) this.child!.kill('SIGKILL');
    await this.exited(10_000);
  }

  async stop() {
    if (!this.running) return;
    this.child!.kill('SIGTERM');
    await this.exited(20_000).catch(() => this.kill9());
  }

  /** A Backstage token of the demo's guest user, from this backend's auth backend. */
  async guestToken(): Promise<string> {
    return this.signInToken('guest');
  }

  /**
   * A Backstage token from one of the demo's credential-less sign-in providers (`guest`, or
   * the development identities `reviewer`, `approver`, `outsider` of packages/backend).
   */
  async signInToken(provider: string): Promise<string> {
    const res = await fetch(
      `${this.url}/api/auth/${provider}/refresh?env=development`,
      { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
    );
    if (!res.ok)
      throw new Error(`${this.name}: ${provider} token: HTTP ${res.status}`);
    return (await res.json()).backstageIdentity.token;
  }
}
