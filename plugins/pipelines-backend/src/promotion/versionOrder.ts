import {
  compareVersions,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';

export { compareVersions };

/**
 * Whether `version` would take `environment` backwards: semantic versions by semver
 * order against what the environment runs; other versions (Git and OCI revisions) by the
 * ledger, never by string — `version` was deployed into the environment before, and a
 * different version was deployed there after it. `deployed` is the environment's
 * `deployed` rows, any order.
 */
export function isBackwards(
  version: string,
  current: string[],
  deployed: PromotionRecord[],
): boolean {
  if (current.some(v => (compareVersions(version, v) ?? 0) < 0)) return true;
  const at = (r: PromotionRecord) => Date.parse(r.deployedAt ?? r.updatedAt);
  const mine = deployed.filter(r => r.version === version).map(at);
  const isSemver = compareVersions(version, version) !== undefined;
  // Semantic versions were ordered above; a revision never deployed here is a step forward.
  if (isSemver || !mine.length) return false;
  const lastMine = Math.max(...mine);
  return deployed.some(r => r.version !== version && at(r) > lastMine);
}

/**
 * Whether a promotion of `incoming` may replace an active one of `holder` in an
 * environment: a rollback always may; otherwise only a version that is not older
 * (semver), and for versions without an order, the later request.
 */
export function mayReplace(
  incoming: Pick<PromotionRecord, 'version' | 'trigger'>,
  holder: Pick<PromotionRecord, 'version'>,
): boolean {
  if (incoming.trigger === 'rollback') return true;
  const c = compareVersions(incoming.version, holder.version);
  return c === undefined || c >= 0;
}
