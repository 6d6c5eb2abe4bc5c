import { InputError } from '@backstage/errors';
import {
  DailyDeliveryCount,
  DeliveryMetrics,
  DurationSummary,
  EnvironmentDeliveryMetrics,
  PipelineKey,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';
import { median, quantileSorted } from 'simple-statistics';

const DAY_MS = 86_400_000;
const UNIT_MS: Record<string, number> = { h: 3_600_000, d: DAY_MS };
/** The longest window: a year. */
const MAX_WINDOW_MS = 366 * DAY_MS;

/** `30d` / `12h` → milliseconds. Throws InputError for anything else, or beyond a year. */
export function parseMetricsWindow(window: string): number {
  const match = /^([1-9]\d{0,3})([hd])$/.exec(window);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]] : NaN;
  if (!(ms <= MAX_WINDOW_MS))
    throw new InputError(
      `window "${window}" must be a number of hours or days, e.g. 30d or 12h, at most 366d`,
    );
  return ms;
}

function summarize(durationsMs: number[]): DurationSummary {
  if (durationsMs.length === 0) return { count: 0 };
  const sorted = [...durationsMs].sort((a, b) => a - b).map(ms => ms / 1000);
  return {
    count: sorted.length,
    medianSeconds: median(sorted),
    p90Seconds: quantileSorted(sorted, 0.9),
  };
}

const time = (iso: string | undefined) => (iso ? Date.parse(iso) : NaN);

export interface DeliveryMetricsInput {
  pipeline: PipelineKey;
  /** The pipeline's environments in order; the ledger's own when the pipeline is not known. */
  environments: string[];
  /** Rows as {@link PromotionStore.listHistorySince} gives them. */
  rows: PromotionRecord[];
  window: string;
  now: Date;
}

/**
 * Delivery metrics of a pipeline from its ledger rows (DORA's four keys, per environment):
 * deployment frequency, lead time (request → deployed; and first → last environment of a
 * version), change failure rate ((failed + rollbacks) / deployed) and time to restore
 * (failure or rollback → next deployment into the environment). Events count when they
 * happen inside `[now - window, now]`: deployedAt for deployments, endedAt for failures,
 * createdAt for rollbacks.
 */
export function computeDeliveryMetrics(
  input: DeliveryMetricsInput,
): DeliveryMetrics {
  const to = input.now.getTime();
  const from = to - parseMetricsWindow(input.window);
  const inWindow = (t: number) => t >= from && t <= to;
  const envs = input.environments.length
    ? input.environments
    : [
        ...new Set(
          input.rows
            .map(r => r.fromEnvironment ?? r.toEnvironment)
            .concat(input.rows.map(r => r.toEnvironment)),
        ),
      ];
  const [first, last] = [envs[0], envs[envs.length - 1]];
  const deployed = input.rows.filter(
    r => r.state === 'deployed' && !Number.isNaN(time(r.deployedAt)),
  );
  const daily = new Map<string, DailyDeliveryCount>();
  const day = (t: number, environment: string) => {
    const date = new Date(t).toISOString().slice(0, 10);
    const key = `${date}/${environment}`;
    if (!daily.has(key))
      daily.set(key, { date, environment, deployments: 0, failures: 0 });
    return daily.get(key)!;
  };

  const environments = envs
    .slice(1)
    .map((environment): EnvironmentDeliveryMetrics => {
      const rows = input.rows.filter(r => r.toEnvironment === environment);
      const deployments = deployed.filter(
        r => r.toEnvironment === environment && inWindow(time(r.deployedAt)),
      );
      const failures = rows.filter(
        r => r.state === 'failed' && inWindow(time(r.endedAt)),
      );
      const rollbacks = rows.filter(
        r => r.trigger === 'rollback' && inWindow(time(r.createdAt)),
      );
      deployments.forEach(
        r => day(time(r.deployedAt), environment).deployments++,
      );
      failures.forEach(r => day(time(r.endedAt), environment).failures++);
      const deployTimes = deployed
        .filter(r => r.toEnvironment === environment)
        .map(r => time(r.deployedAt))
        .sort((a, b) => a - b);
      const restores = [
        ...failures.map(r => time(r.endedAt)),
        ...rollbacks.map(r => time(r.createdAt)),
      ].flatMap(broke => {
        const next = deployTimes.find(t => t > broke && t <= to);
        return next === undefined ? [] : [next - broke];
      });
      return {
        environment,
        deployments: deployments.length,
        deploymentsPerWeek: (deployments.length * 7 * DAY_MS) / (to - from),
        leadTime: summarize(
          deployments.map(r => time(r.deployedAt) - time(r.createdAt)),
        ),
        failures: failures.length,
        rollbacks: rollbacks.length,
        ...(deployments.length
          ? {
              changeFailureRate:
                (failures.length + rollbacks.length) / deployments.length,
            }
          : {}),
        timeToRestore: summarize(restores),
      };
    });

  const firstToLast = deployed
    .filter(
      r =>
        r.toEnvironment === last &&
        r.trigger !== 'rollback' &&
        inWindow(time(r.deployedAt)),
    )
    .flatMap(r => {
      // Only versions the ledger saw leave the first environment: others skipped it (a user promoted them later on).
      const out = input.rows.filter(
        o => o.version === r.version && o.fromEnvironment === first,
      );
      return out.length
        ? [time(r.deployedAt) - Math.min(...out.map(o => time(o.createdAt)))]
        : [];
    });

  return {
    pipeline: input.pipeline,
    window: input.window,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    environments,
    leadTimeFirstToLast: summarize(firstToLast),
    daily: [...daily.values()].sort(
      (a, b) =>
        a.date.localeCompare(b.date) ||
        envs.indexOf(a.environment) - envs.indexOf(b.environment),
    ),
  };
}
