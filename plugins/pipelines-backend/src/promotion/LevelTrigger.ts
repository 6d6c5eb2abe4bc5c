import { LoggerService } from '@backstage/backend-plugin-api';
import type { EnvironmentState, PipelineDetail } from '@gitops-pipelines/plugin-pipelines-common';
import { PromotionEngine } from './PromotionEngine';

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/;

/** Compares two semver-like versions; undefined when either is not one. */
export function compareVersions(a: string, b: string): number | undefined {
  const x = SEMVER.exec(a);
  const y = SEMVER.exec(b);
  if (!x || !y) return undefined;
  for (let i = 1; i <= 3; i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d) return Math.sign(d);
  }
  return 0;
}

/** The version every target of an environment runs, Ready; undefined when rolling out or failing. */
export function settledVersion(env: EnvironmentState): string | undefined {
  if (!env.targets.length || env.versions.length !== 1) return undefined;
  if (!env.targets.every(t => t.health === 'ready' && t.version === env.versions[0].version)) return undefined;
  return env.versions[0].version;
}

/**
 * The promotions the state calls for: environment N settled at V (every target Ready at
 * V), environment N+1 not all at V, and V not older than anything N+1 runs. Never from a
 * half-rolled-out or failing environment; never out of the last one.
 */
export function duePromotions(pipeline: PipelineDetail): Array<{ environment: string; version: string }> {
  const due = [];
  for (let i = 0; i + 1 < pipeline.environments.length; i++) {
    const version = settledVersion(pipeline.environments[i]);
    const next = pipeline.environments[i + 1];
    if (!version || next.promotion.kind === 'none') continue;
    if (settledVersion(next) === version) continue;
    const olderThanNext = next.versions.some(v => {
      const c = compareVersions(version, v.version);
      return c === undefined || c < 0;
    });
    if (olderThanNext) continue;
    due.push({ environment: next.name, version });
  }
  return due;
}

/**
 * Level-triggered promotions: on every state change, requests what {@link duePromotions}
 * finds. The ledger's uniqueness makes repeated requests no-ops, on every replica.
 */
export class LevelTrigger {
  constructor(
    private readonly engine: PromotionEngine,
    private readonly logger: LoggerService,
  ) {}

  async onChange(changed: PipelineDetail[]) {
    for (const pipeline of changed) {
      if (pipeline.validationErrors.length) continue;
      for (const { environment, version } of duePromotions(pipeline)) {
        try {
          const { created } = await this.engine.request({
            pipeline: { cluster: pipeline.cluster, namespace: pipeline.namespace, name: pipeline.name },
            environment,
            version,
            trigger: 'level',
            requestedBy: 'pipelines:level-trigger',
          });
          if (created) this.logger.info(`Level trigger: promoting ${pipeline.namespace}/${pipeline.name} ${version} into ${environment}`);
        } catch (e) {
          this.logger.warn(`Level trigger for ${pipeline.namespace}/${pipeline.name} → ${environment}: ${(e as Error).message}`);
        }
      }
    }
  }
}
