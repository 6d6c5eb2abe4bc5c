/**
 * The steps of a promotion at which the chaos suite crashes a replica: after the ledger row
 * is written, after the promotion branch is pushed, after the pull request is created (before
 * the row records it), after the row moved to awaiting-merge, after it moved to rolling-out.
 */
export type CrashPoint =
  | 'after-request'
  | 'after-push'
  | 'after-pull-request'
  | 'awaiting-merge'
  | 'rolling-out';

/**
 * Test-only fault injection (a failpoint): when the environment variable
 * `PIPELINES_CRASH_POINT` names `point`, the process kills itself with SIGKILL right there, as
 * a crashed replica would stop — no shutdown hooks, no cleanup. The chaos suite sets it in a
 * child backend's environment; unset (always, in real use) this does nothing.
 */
export function crashPoint(point: CrashPoint): void {
  if (process.env.PIPELINES_CRASH_POINT === point)
    process.kill(process.pid, 'SIGKILL');
}
