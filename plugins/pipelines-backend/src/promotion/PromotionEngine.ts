import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  formatValidationIssue,
  Pipeline,
  PipelineKey,
  Promotion,
  PromotionRecord,
  PromotionTrigger,
  validatePipeline,
} from '@gitops-pipelines/plugin-pipelines-common';
import { randomBytes } from 'crypto';
import os from 'os';
import { PipelineCache } from '../cache/PipelineCache';
import { PromotionStore } from '../database/PromotionStore';
import { PromotionError, PromotionStrategy } from './strategies/PromotionStrategy';

export interface PromotionRequest {
  pipeline: PipelineKey;
  /** The environment to promote into. */
  environment: string;
  version: string;
  trigger: PromotionTrigger;
  requestedBy: string;
}

export interface PromotionEngineOptions {
  store: PromotionStore;
  cache: Pick<PipelineCache, 'getPipelineObject'>;
  strategies: PromotionStrategy[];
  logger: LoggerService;
  auditor?: AuditorService;
  /** Attempts before a retryable failure becomes final. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt. */
  retryBaseMs?: number;
  /** How long a claim lasts before another replica may take the row over. */
  leaseMs?: number;
}

const VERSION = /^[^\s]{1,255}$/;

/** A validated pipeline, or an error a caller can show. */
function validPipeline(object: unknown, key: PipelineKey): Pipeline {
  const result = validatePipeline(object);
  if (!result.valid) {
    throw new InputError(
      `Pipeline ${key.namespace}/${key.name} is invalid: ${result.issues.map(formatValidationIssue).join('; ')}`,
    );
  }
  return result.pipeline;
}

/**
 * Records promotion requests in the ledger, applies approvals, and carries promotions
 * out through their strategy — each ledger row at most once at a time across replicas
 * (claims in the database), retried with backoff, ending `succeeded` or `failed`.
 */
export class PromotionEngine {
  private readonly owner = `${os.hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly strategies: Map<string, PromotionStrategy>;
  private running?: Promise<void>;
  private again = false;
  private readonly listeners = new Set<(record: PromotionRecord) => void>();

  /** Called after every change of a ledger row. Returns an unsubscribe function. */
  onChange(listener: (record: PromotionRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(record: PromotionRecord) {
    for (const l of this.listeners) l(record);
  }

  constructor(private readonly options: PromotionEngineOptions) {
    this.strategies = new Map(options.strategies.map(s => [s.name, s]));
  }

  /** Where a version goes and how: the target environment's index, its source and promotion settings. */
  private plan(key: PipelineKey, environment: string) {
    const found = this.options.cache.getPipelineObject(key);
    if (!found) {
      throw new NotFoundError(`Pipeline ${key.namespace}/${key.name} not found on management cluster "${key.cluster}"`);
    }
    const pipeline = validPipeline(found.object, key);
    const envs = pipeline.spec.environments;
    const index = envs.findIndex(e => e.name === environment);
    if (index === -1) {
      throw new NotFoundError(
        `Environment "${environment}" is not in pipeline ${key.namespace}/${key.name} (${envs.map(e => e.name).join(', ')})`,
      );
    }
    const promotion: Promotion | undefined = envs[index].promotion ?? pipeline.spec.promotion;
    return { pipeline, index, envs, promotion, kubeConfig: found.kubeConfig };
  }

  async request(req: PromotionRequest): Promise<{ record: PromotionRecord; created: boolean }> {
    const { pipeline: key, environment, version } = req;
    if (!VERSION.test(version)) throw new InputError(`version "${version}" must be 1 to 255 characters without spaces`);
    const { index, envs, promotion } = this.plan(key, environment);
    if (index === 0) {
      throw new InputError(`"${environment}" is the first environment of ${key.namespace}/${key.name}: nothing promotes into it`);
    }
    if (!promotion) {
      throw new InputError(`Pipeline ${key.namespace}/${key.name} has no promotion strategy for "${environment}"`);
    }
    const result = await this.options.store.create({
      pipeline: key,
      fromEnvironment: envs[index - 1].name,
      toEnvironment: environment,
      version,
      trigger: req.trigger,
      requestedBy: req.requestedBy,
      state: promotion.manual ? 'waiting-approval' : 'running',
      strategy: promotion.strategy['pull-request'] ? 'pull-request' : 'notification',
    });
    if (result.created) {
      await this.audit('promotion-requested', result.record);
      if (result.record.state === 'waiting-approval') {
        if (await this.options.store.supersedeWaiting(key, environment, result.record.id)) this.changed(result.record);
      } else {
        this.kick();
      }
    }
    return result;
  }

  /**
   * The compatibility webhook: `version` is now in `environment`; promote it into the next one.
   */
  async requestNext(key: PipelineKey, environment: string, version: string, requestedBy: string) {
    const { index, envs } = this.plan(key, environment);
    if (index === envs.length - 1) {
      throw new InputError(`"${environment}" is the last environment of ${key.namespace}/${key.name}: nothing to promote into`);
    }
    return this.request({ pipeline: key, environment: envs[index + 1].name, version, trigger: 'webhook', requestedBy });
  }

  async decide(id: string, decision: 'approved' | 'rejected', by: string, reason?: string): Promise<PromotionRecord> {
    const record = await this.options.store.get(id);
    if (!record) throw new NotFoundError(`Promotion ${id} not found`);
    if (record.state !== 'waiting-approval') {
      throw new ConflictError(`Promotion ${id} is ${record.state}, not waiting for approval`);
    }
    if (record.requestedBy === by) {
      throw new NotAllowedError('You requested this promotion: someone else must approve or reject it');
    }
    const updated = await this.options.store.transition(id, ['waiting-approval'], decision === 'approved' ? 'running' : 'rejected', {
      approval: { by, at: new Date().toISOString(), decision, reason },
    });
    if (!updated) throw new ConflictError(`Promotion ${id} was decided by someone else meanwhile`);
    await this.audit(decision === 'approved' ? 'promotion-approved' : 'promotion-rejected', updated, { by, reason });
    if (updated.state === 'running') this.kick();
    return updated;
  }

  /** Runs what is runnable now, in the background; calls while running queue one more pass. */
  kick() {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runPending()
      .then(() => undefined)
      .catch(e => this.options.logger.error(`Promotion run failed: ${e}`))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when the background run (if any) is done (for tests and shutdown). */
  async idle() {
    while (this.running) await this.running;
  }

  async runPending(): Promise<number> {
    let done = 0;
    for (const record of await this.options.store.listRunnable(20)) {
      if (!(await this.options.store.claim(record.id, this.owner, this.options.leaseMs ?? 5 * 60_000))) continue;
      await this.execute({ ...record, attempts: record.attempts + 1 });
      done++;
    }
    return done;
  }

  private async execute(record: PromotionRecord) {
    const { store, logger } = this.options;
    const fail = async (message: string) => {
      const failed = await store.transition(record.id, ['running'], 'failed', { error: message });
      if (failed) await this.audit('promotion-failed', failed, { error: message });
    };
    let plan;
    try {
      plan = this.plan(record.pipeline, record.toEnvironment);
    } catch (e) {
      await fail((e as Error).message);
      return;
    }
    if (!plan.promotion) {
      await fail(`No promotion strategy for "${record.toEnvironment}" any more`);
      return;
    }
    const kind = plan.promotion.strategy['pull-request'] ? 'pull-request' : 'notification';
    const strategy = this.strategies.get(kind);
    if (!strategy) {
      const type = plan.promotion.strategy['pull-request']?.type;
      await fail(`The ${kind}${type ? ` (${type})` : ''} strategy is not available in this version of the pipelines backend`);
      return;
    }
    try {
      const outcome = await strategy.execute({ record, pipeline: plan.pipeline, promotion: plan.promotion, kubeConfig: plan.kubeConfig });
      const done = await store.transition(record.id, ['running'], 'succeeded', { error: null, pullRequestUrl: outcome.pullRequestUrl });
      if (done) await this.audit('promotion-succeeded', done, { outcome: outcome.summary });
      if (done && outcome.pullRequestUrl) {
        // The PR of an older promotion into this environment now carries this version.
        if (await store.supersedePullRequest(record.pipeline, record.toEnvironment, outcome.pullRequestUrl, record.id)) this.changed(done);
      }
      logger.info(`Promotion ${record.id} (${record.pipeline.namespace}/${record.pipeline.name} → ${record.toEnvironment} ${record.version}): ${outcome.summary}`);
    } catch (e) {
      const err = e instanceof PromotionError ? e : new PromotionError(String((e as Error)?.message ?? e), true);
      const max = this.options.maxAttempts ?? 5;
      if (err.retryable && record.attempts < max) {
        const backoff = (this.options.retryBaseMs ?? 2000) * 2 ** (record.attempts - 1);
        const delay = Math.max(backoff, err.retryAfterMs ?? 0);
        await store.release(record.id, this.owner, new Date(Date.now() + delay), `attempt ${record.attempts} of ${max} failed: ${err.message}`);
        this.changed({ ...record, error: `attempt ${record.attempts} of ${max} failed: ${err.message}` });
        logger.warn(`Promotion ${record.id} attempt ${record.attempts} failed (${err.message}); retrying in ${delay} ms`);
        setTimeout(() => this.kick(), delay + 10).unref?.();
      } else {
        await fail(err.message);
      }
    }
  }

  private async audit(eventId: string, record: PromotionRecord, extra: Record<string, unknown> = {}) {
    this.changed(record);
    const auditor = this.options.auditor;
    if (!auditor) return;
    const event = await auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      meta: {
        promotionId: record.id,
        pipeline: `${record.pipeline.cluster}/${record.pipeline.namespace}/${record.pipeline.name}`,
        from: record.fromEnvironment,
        to: record.toEnvironment,
        version: record.version,
        trigger: record.trigger,
        requestedBy: record.requestedBy,
        state: record.state,
        ...extra,
      },
    });
    await event.success();
  }
}
