import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';

const running = new Set<ManagedProcess>();
let exitHookInstalled = false;

/** Kills every process still running when this Node process exits: no orphans. */
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of running) p.killNow();
  });
}

/** A child process owned by the sandbox: logs to a file, stops cleanly, restarts. */
export class ManagedProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly logFile: string,
  ) {}

  get running(): boolean {
    return (
      this.child !== undefined &&
      this.child.exitCode === null &&
      this.child.signalCode === null
    );
  }

  start() {
    if (this.running) return;
    installExitHook();
    const log = fs.openSync(this.logFile, 'a');
    const child = spawn(this.command, this.args, {
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    this.child = child;
    this.exited = new Promise(resolve => child.once('exit', () => resolve()));
    running.add(this);
    child.once('exit', () => running.delete(this));
    child.once('error', err => {
      fs.appendFileSync(
        this.logFile,
        `\n[sandbox] failed to start ${this.command}: ${err.message}\n`,
      );
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000) {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  killNow() {
    if (this.running) this.child?.kill('SIGKILL');
  }

  /** The last lines of the log, for error messages. */
  tail(lines = 20): string {
    try {
      return fs
        .readFileSync(this.logFile, 'utf8')
        .split('\n')
        .slice(-lines)
        .join('\n');
    } catch {
      return '';
    }
  }
}
