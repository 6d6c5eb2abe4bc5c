import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EnvironmentState,
  isLevelTriggerEnabled,
  PipelineDetail,
  PipelineKey,
  settledVersion,
  soakStatus,
  soakTimeFor,
} from '@gitops-pipelines/plugin-pipelines-common';
import { PipelineCache } from '../cache/PipelineCache';
import { PromotionEngine } from './PromotionEngine';

/** Target states that say nothing about the version a target runs: its cluster is unreachable or unknown, or its app has no status yet. */
const UNKNOWN_VERSION: ReadonlyArray<
  EnvironmentState['targets'][number]['health']
> = ['cluster-not-ready', 'cluster-not-found', 'unknown'];

/**
 * The promotions the state calls for: environment N settled at V (every target Ready at
 * V), soaked (`pipelines.weave.works/soak`: healthy at V for at least its soak time), and
 * environment N+1 not all at V. Never from a half-rolled-out or failing environment; never
 * out of the last one; never into an environment with a target whose version cannot be
 * known (cluster down or not found, still connecting, app without status): "not at V"
 * would be a guess there, and might take it backwards. Whether V would take N+1 backwards
 * is decided by the caller (it needs the ledger). `soakingUntil` is the earliest end of a
 * soak that holds a promotion back (ms since the epoch), for the caller to look again then.
 */
export function duePromotions(
  pipeline: PipelineDetail,
  now = Date.now(),
): {
  due: Array<{ environment: string; version: string }>;
  soakingUntil?: number;
} {
  const due = [];
  let soakingUntil: number | undefined;
  for (let i = 0; i + 1 < pipeline.environments.length; i++) {
    const env = pipeline.environments[i];
    const version = settledVersion(env);
    const next = pipeline.environments[i + 1];
    if (!version || next.promotion.kind === 'none') continue;
    if (next.targets.some(t => UNKNOWN_VERSION.includes(t.health))) continue;
    if (settledVersion(next) === version) continue;
    const soakMs = soakTimeFor(pipeline.annotations, env.name);
    const soak =
      soakMs === undefined ? undefined : soakStatus(env, soakMs, now);
    if (soak && soak.state !== 'soaked') {
      if (soak.state === 'soaking')
        soakingUntil = Math.min(
          soakingUntil ?? Infinity,
          Date.parse(soak.until),
        );
      continue;
    }
    due.push({ environment: next.name, version });
  }
  return { due, soakingUntil };
}

export interface LevelTriggerOptions {
  engine: Pick<PromotionEngine, 'isBusy' | 'offer'>;
  cache: Pick<PipelineCache, 'getPipelineObject' | 'getPipeline'>;
  logger: LoggerService;
  /** `pipelines.levelTriggers`: whether pipelines without the annotation take part. Default false. */
  enabledByDefault: boolean;
}

/**
 * Level-triggered promotions (opt-in, like pipeline-controller): on every state change,
 * requests what {@link duePromotions} finds for pipelines that take part — except into an
 * environment that is held or already has an active promotion. The engine's precedence
 * rules (`precedenceOf`) make the rest of the decision from the ledger: never backwards
 * (semver, else ledger order), never what the environment already runs, never a version a
 * person cancelled, rejected or rolled back away from, or whose promotion failed. The
 * ledger's uniqueness makes repeated requests no-ops, on every replica.
 */
export class LevelTrigger {
  /** Per pipeline: the timer that looks again when a soak ends (state changes do not say it). */
  private readonly soakTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: LevelTriggerOptions) {}

  /** Stops the soak timers (at shutdown). */
  stop() {
    for (const timer of this.soakTimers.values()) clearTimeout(timer);
    this.soakTimers.clear();
  }

  private lookAgainAt(key: PipelineKey, at: number | undefined) {
    const id = `${key.cluster}/${key.namespace}/${key.name}`;
    clearTimeout(this.soakTimers.get(id));
    this.soakTimers.delete(id);
    if (at === undefined) return;
    const timer = setTimeout(() => {
      this.soakTimers.delete(id);
      void this.evaluate(key);
    }, Math.max(0, at - Date.now()) + 50);
    timer.unref?.();
    this.soakTimers.set(id, timer);
  }

  /** Whether the pipeline takes part: its annotation, else the default. */
  enabled(key: PipelineKey): boolean {
    const found = this.options.cache.getPipelineObject(key);
    return isLevelTriggerEnabled(
      found?.object.metadata?.annotations,
      this.options.enabledByDefault,
    );
  }

  /** Re-evaluates one pipeline (after one of its promotions ended). */
  async evaluate(key: PipelineKey) {
    const detail = this.options.cache.getPipeline(key);
    if (detail) await this.onChange([detail]);
  }

  async onChange(changed: PipelineDetail[]) {
    const { engine, logger } = this.options;
    for (const pipeline of changed) {
      if (pipeline.validationErrors.length || pipeline.dataState !== 'live')
        continue;
      const key = {
        cluster: pipeline.cluster,
        namespace: pipeline.namespace,
        name: pipeline.name,
      };
      if (!this.enabled(key)) continue;
      const { due, soakingUntil } = duePromotions(pipeline);
      this.lookAgainAt(key, soakingUntil);
      for (const { environment, version } of due) {
        try {
          if (await engine.isBusy(key, environment)) continue;
          const { created, ignored } = await engine.offer({
            pipeline: key,
            environment,
            version,
            trigger: 'level',
            requestedBy: 'pipelines:level-trigger',
          });
          if (ignored)
            logger.debug(
              `Level trigger: ${pipeline.namespace}/${pipeline.name} ${version} into ${environment} ignored: ${ignored}`,
            );
          else if (created)
            logger.info(
              `Level trigger: promoting ${pipeline.namespace}/${pipeline.name} ${version} into ${environment}`,
            );
        } catch (e) {
          logger.warn(
            `Level trigger for ${pipeline.namespace}/${
              pipeline.name
            } → ${environment}: ${(e as Error).message}`,
          );
        }
      }
    }
  }
}
