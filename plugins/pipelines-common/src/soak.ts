import type { EnvironmentState } from './api';
import { parseEnvironmentValues } from './environmentValues';

/**
 * On a Pipeline: how long a version must have run, healthy, in an environment before the
 * level trigger promotes it out, e.g. `"test=30m,staging=2h"`. The clock starts when every
 * target of the environment became Ready at the version (their Ready conditions'
 * lastTransitionTime), so it restarts whenever the environment stops being healthy.
 * @public
 */
export const ANNOTATION_SOAK = 'pipelines.weave.works/soak';

/** The longest soak time: 7 days. @public */
export const MAX_SOAK_MS = 7 * 86_400_000;

const UNITS_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;

/**
 * A duration as Go and Kubernetes write them, plus days: `90s`, `30m`, `2h`, `1h30m`,
 * `1d`. Undefined for anything else, zero, or more than {@link MAX_SOAK_MS}.
 * @public
 */
export function parseSoakDuration(text: string): number | undefined {
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m || !text) return undefined;
  const [d, h, min, s] = m.slice(1).map(x => Number(x ?? 0));
  const ms =
    d * UNITS_MS.d + h * UNITS_MS.h + min * UNITS_MS.m + s * UNITS_MS.s;
  return ms > 0 && ms <= MAX_SOAK_MS ? ms : undefined;
}

/** Parses `env=duration[,env=duration…]`; malformed entries are reported. @public */
export function parseSoak(value: string): {
  soak: Record<string, number>;
  errors: string[];
} {
  const { values, errors } = parseEnvironmentValues(
    value,
    parseSoakDuration,
    'environment=duration with a duration such as 30m, 2h or 1h30m, at most 7d',
  );
  return { soak: values, errors };
}

/** The soak time of an environment from the Pipeline's annotations, in ms; undefined when none. @public */
export function soakTimeFor(
  annotations: Record<string, string> | undefined,
  environment: string,
): number | undefined {
  const value = annotations?.[ANNOTATION_SOAK];
  return value ? parseSoak(value).soak[environment] : undefined;
}

/** The version every target of an environment runs, Ready; undefined when rolling out or failing. @public */
export function settledVersion(env: EnvironmentState): string | undefined {
  if (!env.targets.length || env.versions.length !== 1) return undefined;
  if (
    !env.targets.every(
      t => t.health === 'ready' && t.version === env.versions[0].version,
    )
  )
    return undefined;
  return env.versions[0].version;
}

/**
 * Where a settled environment stands in its soak time: `soaking` until `until`, or
 * `soaked`; `unknown` when a target's Ready transition time is missing (the clock cannot
 * be read, so it never counts as soaked). Undefined when the environment is not settled.
 * Times are ISO 8601.
 * @public
 */
export type SoakStatus =
  | { state: 'soaking'; version: string; since: string; until: string }
  | { state: 'soaked'; version: string; since: string }
  | { state: 'unknown'; version: string };

/** {@link SoakStatus} of an environment for a soak time of `soakMs`, at `now` (ms since the epoch). @public */
export function soakStatus(
  env: EnvironmentState,
  soakMs: number,
  now: number,
): SoakStatus | undefined {
  const version = settledVersion(env);
  if (!version) return undefined;
  const times = env.targets.map(t =>
    t.lastTransitionTime ? Date.parse(t.lastTransitionTime) : NaN,
  );
  if (times.some(t => Number.isNaN(t))) return { state: 'unknown', version };
  const since = Math.max(...times);
  const iso = (t: number) => new Date(t).toISOString();
  return since + soakMs > now
    ? {
        state: 'soaking',
        version,
        since: iso(since),
        until: iso(since + soakMs),
      }
    : { state: 'soaked', version, since: iso(since) };
}
