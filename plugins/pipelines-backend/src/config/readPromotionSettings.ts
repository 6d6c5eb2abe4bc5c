import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { MAX_REQUIRED_APPROVALS } from '@gitops-pipelines/plugin-pipelines-common';
import { DEFAULT_POLL } from '../promotion/pullRequestPolling';

/** The promotion settings of the plugin's config, with their defaults. */
export interface PromotionSettings {
  /** `pipelines.levelTriggers`, default false (pipeline-controller's default). */
  levelTriggers: boolean;
  /** `pipelines.rolloutTimeout`, default 1 h, in ms. */
  rolloutTimeoutMs: number;
  /** `pipelines.pullRequestPolling.{minInterval,maxInterval}`, default 10 s and 5 min, in ms. */
  pullRequestPoll: { minMs: number; maxMs: number };
  /** `pipelines.approvals.required`: distinct approvers of a manual promotion, default 1. */
  requiredApprovals: number;
  /** `pipelines.approvals.timeout`: a request unanswered this long is rejected, in ms; none by default. */
  approvalTimeoutMs?: number;
  /** How often the runner looks for work without being kicked, in seconds (5). */
  runnerIntervalSeconds: number;
}

const duration = (config: Config, key: string, fallbackMs: number) =>
  config.has(key)
    ? durationToMilliseconds(readDurationFromConfig(config, { key }))
    : fallbackMs;

function readRequiredApprovals(config: Config): number {
  const n = config.getOptionalNumber('pipelines.approvals.required') ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > MAX_REQUIRED_APPROVALS) {
    throw new Error(
      `pipelines.approvals.required must be a whole number from 1 to ${MAX_REQUIRED_APPROVALS}, got ${n}`,
    );
  }
  return n;
}

/**
 * Reads the promotion settings under `pipelines`. Durations take Backstage's forms
 * (`{ minutes: 30 }` or an ISO 8601 / human string such as `30m`).
 * @throws when a value has the wrong type, naming the key.
 */
export function readPromotionSettings(config: Config): PromotionSettings {
  const minMs = duration(
    config,
    'pipelines.pullRequestPolling.minInterval',
    DEFAULT_POLL.minMs,
  );
  return {
    levelTriggers:
      config.getOptionalBoolean('pipelines.levelTriggers') ?? false,
    rolloutTimeoutMs: duration(config, 'pipelines.rolloutTimeout', 60 * 60_000),
    pullRequestPoll: {
      minMs,
      maxMs: Math.max(
        minMs,
        duration(
          config,
          'pipelines.pullRequestPolling.maxInterval',
          DEFAULT_POLL.maxMs,
        ),
      ),
    },
    requiredApprovals: readRequiredApprovals(config),
    ...(config.has('pipelines.approvals.timeout')
      ? {
          approvalTimeoutMs: duration(config, 'pipelines.approvals.timeout', 0),
        }
      : {}),
    runnerIntervalSeconds: 5,
  };
}
