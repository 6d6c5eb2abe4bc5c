import type {
  EnvironmentState,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';
import { compareVersions } from './versionOrder';

/** What the targets of an environment say about a rolling-out promotion. */
export interface RolloutVerdict {
  outcome: 'rolling-out' | 'deployed' | 'failed' | 'superseded';
  message: string;
  /** One line per target Ready at the version (`target <cluster>/<namespace> Ready at <version>`). */
  targetsReady: string[];
}

const describe = (t: EnvironmentState['targets'][number]) =>
  `${t.cluster}/${t.namespace}`;

function formatDuration(ms: number) {
  const minutes = Math.round(ms / 60_000);
  if (minutes >= 60 && minutes % 60 === 0) return `${minutes / 60} h`;
  return minutes >= 1 ? `${minutes} min` : `${Math.round(ms / 1000)} s`;
}

/**
 * Settles a rolling-out promotion from its environment's state in the watch cache:
 * - every target Ready at the version ⇒ `deployed`;
 * - a target whose Flux app tried the version and failed since the rollout began
 *   (`lastAttemptedRevision` is the version, `Ready=False` since then) ⇒ `failed` with Flux's message;
 * - every target Ready at a newer semantic version ⇒ `superseded`;
 * - nothing of that within `timeoutMs` of entering rolling-out ⇒ `failed` "not deployed within …";
 * - otherwise it is still rolling out.
 */
export function settleRollout(
  record: Pick<PromotionRecord, 'version' | 'updatedAt' | 'toEnvironment'>,
  env: EnvironmentState | undefined,
  options: { now: number; timeoutMs: number },
): RolloutVerdict {
  const { version } = record;
  const targets = env?.targets ?? [];
  const atVersion = targets.filter(
    t => t.health === 'ready' && t.version === version,
  );
  const targetsReady = atVersion.map(
    t => `target ${describe(t)} Ready at ${version}`,
  );
  if (targets.length && atVersion.length === targets.length) {
    return {
      outcome: 'deployed',
      message: `Deployed: ${targets.length} of ${targets.length} targets Ready at ${version}`,
      targetsReady,
    };
  }
  // A failure reported before the rollout began (a retry of a version Flux still shows as
  // failed) is not this rollout's: Flux tries again, and the timeout still applies.
  const since = Date.parse(record.updatedAt);
  const failing = targets.find(
    t =>
      t.health === 'not-ready' &&
      (t.attemptedVersion ?? t.version) === version &&
      (!t.lastTransitionTime ||
        Date.parse(t.lastTransitionTime) >= since - 1000),
  );
  if (failing) {
    return {
      outcome: 'failed',
      message: `${describe(failing)} failed at ${version}: ${
        failing.message ?? 'not Ready'
      }`,
      targetsReady,
    };
  }
  const newer =
    targets.length &&
    targets.every(
      t =>
        t.health === 'ready' &&
        t.version &&
        (compareVersions(t.version, version) ?? 0) > 0,
    );
  if (newer) {
    return {
      outcome: 'superseded',
      message: `${record.toEnvironment} runs ${targets[0].version} now, newer than ${version}`,
      targetsReady,
    };
  }
  if (options.now - Date.parse(record.updatedAt) > options.timeoutMs) {
    return {
      outcome: 'failed',
      message: `not deployed within ${formatDuration(options.timeoutMs)}: ${
        atVersion.length
      } of ${targets.length} targets Ready at ${version}`,
      targetsReady,
    };
  }
  return {
    outcome: 'rolling-out',
    message: `${atVersion.length} of ${targets.length} targets Ready at ${version}`,
    targetsReady,
  };
}
