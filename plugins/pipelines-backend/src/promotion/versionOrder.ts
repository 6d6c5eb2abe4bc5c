import type { PromotionRecord } from '@gitops-pipelines/plugin-pipelines-common';

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** One pre-release identifier against another (semver.org §11.4): numbers below words. */
function comparePrerelease(a: string, b: string): number {
  const [m, n] = [/^\d+$/.test(a), /^\d+$/.test(b)];
  if (m && n) return Number(a) - Number(b);
  if (m !== n) return m ? -1 : 1;
  return a.localeCompare(b);
}

/**
 * Compares two semantic versions (an optional `v`, build metadata ignored, a pre-release
 * sorts before its release; semver.org §11): -1, 0 or 1, or undefined when either is
 * not a semantic version (a Git revision `main@sha1:…`, an OCI digest).
 */
export function compareVersions(a: string, b: string): number | undefined {
  const x = SEMVER.exec(a);
  const y = SEMVER.exec(b);
  if (!x || !y) return undefined;
  for (let i = 1; i <= 3; i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d) return Math.sign(d);
  }
  if (x[4] === y[4]) return 0;
  if (!x[4]) return 1;
  if (!y[4]) return -1;
  const p = x[4].split('.');
  const q = y[4].split('.');
  for (let i = 0; i < Math.max(p.length, q.length); i++) {
    if (p[i] === undefined) return -1;
    if (q[i] === undefined) return 1;
    const d = comparePrerelease(p[i], q[i]);
    if (d) return Math.sign(d);
  }
  return 0;
}

/**
 * Whether `version` would take `environment` backwards: semantic versions by semver
 * order against what the environment runs; other versions (Git and OCI revisions) by the
 * ledger, never by string — `version` was deployed into the environment before, and a
 * different version was deployed there after it. `deployed` is the environment's
 * `deployed` rows, any order.
 */
export function isBackwards(version: string, current: string[], deployed: PromotionRecord[]): boolean {
  if (current.some(v => (compareVersions(version, v) ?? 0) < 0)) return true;
  const at = (r: PromotionRecord) => Date.parse(r.deployedAt ?? r.updatedAt);
  const mine = deployed.filter(r => r.version === version).map(at);
  if (!mine.length || compareVersions(version, version) !== undefined) return false;
  const lastMine = Math.max(...mine);
  return deployed.some(r => r.version !== version && at(r) > lastMine);
}

/**
 * Whether a promotion of `incoming` may replace an active one of `holder` in an
 * environment: a rollback always may; otherwise only a version that is not older
 * (semver), and for versions without an order, the later request.
 */
export function mayReplace(incoming: Pick<PromotionRecord, 'version' | 'trigger'>, holder: Pick<PromotionRecord, 'version'>): boolean {
  if (incoming.trigger === 'rollback') return true;
  const c = compareVersions(incoming.version, holder.version);
  return c === undefined || c >= 0;
}
