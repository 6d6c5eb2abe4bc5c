import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EnvironmentState,
  isLevelTriggerEnabled,
  PipelineDetail,
  PipelineKey,
} from '@gitops-pipelines/plugin-pipelines-common';
import { PipelineCache } from '../cache/PipelineCache';
import { PromotionStore } from '../database/PromotionStore';
import { PromotionEngine } from './PromotionEngine';
import { isBackwards } from './versionOrder';

/** The version every target of an environment runs, Ready; undefined when rolling out or failing. */
export function settledVersion(env: EnvironmentState): string | undefined {
  if (!env.targets.length || env.versions.length !== 1) return undefined;
  if (!env.targets.every(t => t.health === 'ready' && t.version === env.versions[0].version)) return undefined;
  return env.versions[0].version;
}

/** Target states that say nothing about the version a target runs: its cluster is unreachable or unknown, or its app has no status yet. */
const UNKNOWN_VERSION: ReadonlyArray<EnvironmentState['targets'][number]['health']> = ['cluster-not-ready', 'cluster-not-found', 'unknown'];

/**
 * The promotions the state calls for: environment N settled at V (every target Ready at
 * V) and environment N+1 not all at V. Never from a half-rolled-out or failing
 * environment; never out of the last one; never into an environment with a target whose
 * version cannot be known (cluster down or not found, still connecting, app without status):
 * "not at V" would be a guess there, and might take it backwards. Whether V would take N+1 backwards is decided
 * by the caller (it needs the ledger).
 */
export function duePromotions(pipeline: PipelineDetail): Array<{ environment: string; version: string }> {
  const due = [];
  for (let i = 0; i + 1 < pipeline.environments.length; i++) {
    const version = settledVersion(pipeline.environments[i]);
    const next = pipeline.environments[i + 1];
    if (!version || next.promotion.kind === 'none') continue;
    if (next.targets.some(t => UNKNOWN_VERSION.includes(t.health))) continue;
    if (settledVersion(next) === version) continue;
    due.push({ environment: next.name, version });
  }
  return due;
}

export interface LevelTriggerOptions {
  engine: PromotionEngine;
  store: PromotionStore;
  cache: Pick<PipelineCache, 'getPipelineObject' | 'getPipeline'>;
  logger: LoggerService;
  /** `pipelines.levelTriggers`: whether pipelines without the annotation take part. Default false. */
  enabledByDefault: boolean;
}

/**
 * Level-triggered promotions (opt-in, like pipeline-controller): on every state change,
 * requests what {@link duePromotions} finds for pipelines that take part — except into an
 * environment that is held or already has an active promotion, and never backwards
 * (semantic versions by semver, other revisions by the ledger). The ledger's uniqueness
 * makes repeated requests no-ops, on every replica.
 */
export class LevelTrigger {
  constructor(private readonly options: LevelTriggerOptions) {}

  /** Whether the pipeline takes part: its annotation, else the default. */
  enabled(key: PipelineKey): boolean {
    const found = this.options.cache.getPipelineObject(key);
    return isLevelTriggerEnabled(found?.object.metadata?.annotations, this.options.enabledByDefault);
  }

  /** Re-evaluates one pipeline (after one of its promotions ended). */
  async evaluate(key: PipelineKey) {
    const detail = this.options.cache.getPipeline(key);
    if (detail) await this.onChange([detail]);
  }

  async onChange(changed: PipelineDetail[]) {
    const { engine, store, logger } = this.options;
    for (const pipeline of changed) {
      if (pipeline.validationErrors.length || pipeline.dataState !== 'live') continue;
      const key = { cluster: pipeline.cluster, namespace: pipeline.namespace, name: pipeline.name };
      if (!this.enabled(key)) continue;
      for (const { environment, version } of duePromotions(pipeline)) {
        try {
          if (await engine.isBusy(key, environment)) continue;
          const current = pipeline.environments.find(e => e.name === environment)!.versions.map(v => v.version);
          if (isBackwards(version, current, await store.listDeployed(key, environment))) continue;
          const { created } = await engine.request({ pipeline: key, environment, version, trigger: 'level', requestedBy: 'pipelines:level-trigger' });
          if (created) logger.info(`Level trigger: promoting ${pipeline.namespace}/${pipeline.name} ${version} into ${environment}`);
        } catch (e) {
          logger.warn(`Level trigger for ${pipeline.namespace}/${pipeline.name} → ${environment}: ${(e as Error).message}`);
        }
      }
    }
  }
}
