import {
  compareVersions,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';

export { compareVersions };

/** When a `deployed` row reached the environment. */
const deployedAt = (r: PromotionRecord) =>
  Date.parse(r.deployedAt ?? r.updatedAt);

/**
 * The version that makes `version` a step backwards for an environment, if any:
 * - semantic versions by semver order, against what the environment runs (`current`, one
 *   version per target) and against its newest `deployed` row;
 * - other versions (Git and OCI revisions) by the ledger, never by string: `version` was
 *   deployed into the environment before, and a different version was deployed there
 *   after it (that one is returned).
 * `deployed` is the environment's `deployed` rows, any order.
 */
export function newerVersion(
  version: string,
  current: string[],
  deployed: PromotionRecord[],
): string | undefined {
  const newest = [...deployed].sort((a, b) => deployedAt(b) - deployedAt(a));
  const ahead = [...current, ...newest.slice(0, 1).map(r => r.version)].find(
    v => (compareVersions(version, v) ?? 0) < 0,
  );
  if (ahead) return ahead;
  // Semantic versions were ordered above; a revision never deployed here is a step forward.
  if (compareVersions(version, version) !== undefined) return undefined;
  const mine = deployed.filter(r => r.version === version).map(deployedAt);
  if (!mine.length) return undefined;
  const lastMine = Math.max(...mine);
  return newest.find(r => r.version !== version && deployedAt(r) > lastMine)
    ?.version;
}

/** Whether `version` would take the environment backwards ({@link newerVersion}). */
export function isBackwards(
  version: string,
  current: string[],
  deployed: PromotionRecord[],
): boolean {
  return newerVersion(version, current, deployed) !== undefined;
}

/**
 * The rollback that moved the environment away from `version`, if any: a deployed
 * rollback to another version after `version` was last deployed there. `deployed` is the
 * environment's `deployed` rows, any order.
 */
export function rolledBackFrom(
  version: string,
  deployed: PromotionRecord[],
): PromotionRecord | undefined {
  const mine = deployed.filter(r => r.version === version).map(deployedAt);
  if (!mine.length) return undefined;
  const lastMine = Math.max(...mine);
  return deployed
    .filter(
      r =>
        r.trigger === 'rollback' &&
        r.version !== version &&
        deployedAt(r) > lastMine,
    )
    .sort((a, b) => deployedAt(b) - deployedAt(a))[0];
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
