import { AuditorService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  EnvironmentHold,
  PipelineKey,
  PromotionRecord,
  PromotionTrigger,
} from '@gitops-pipelines/plugin-pipelines-common';
import { HoldStore } from '../database/PromotionStore';
import { VersionBlockStore } from '../database/DatabaseVersionBlockStore';
import { planPromotion } from './planPromotion';
import { crashPoint } from './crashPoint';
import { PromotionRunner, PromotionRunnerOptions } from './PromotionRunner';
import { admitRequest, PromotionRequest } from './admitRequest';
import { PromotionDecisions } from './PromotionDecisions';

export type { PromotionRequest };

/** What changed: a promotion (its row), or only something of its pipeline (a hold). */
export type PromotionChange = Pick<PromotionRecord, 'pipeline'> &
  Partial<PromotionRecord>;

/** Where a change was made: on this replica, or on another one (through the events service). */
export type ChangeOrigin = 'local' | 'remote';

export interface PromotionEngineOptions
  extends Omit<PromotionRunnerOptions, 'changed' | 'audit'> {
  holds: HoldStore;
  /** Blocked versions: every request for them is refused, rollbacks too. */
  blocks?: VersionBlockStore;
  auditor?: AuditorService;
  /** `pipelines.approvals.required`: distinct approvers of a manual promotion unless the Pipeline says (default 1). */
  requiredApprovals?: number;
}

/**
 * What an automatic trigger's request led to: a row (new, or the active one it repeats),
 * or nothing, with the reason (`ignored`), when the precedence rules say so.
 */
export type OfferResult =
  | { record: PromotionRecord; created: boolean; ignored?: undefined }
  | { ignored: string; record?: undefined; created: false };

/**
 * Records promotion requests in the ledger and applies what users decide — approve,
 * reject, cancel, retry, roll back, release a hold — each permission-checked by the
 * router and audited here. The {@link PromotionRunner} carries rows out.
 */
export class PromotionEngine {
  private readonly listeners = new Set<
    (change: PromotionChange, origin: ChangeOrigin) => void
  >();
  readonly runner: PromotionRunner;

  private readonly decisions: PromotionDecisions;

  constructor(private readonly options: PromotionEngineOptions) {
    this.runner = new PromotionRunner({
      ...options,
      changed: r => this.changed(r),
      audit: (e, r, x) => this.audit(e, r, x),
    });
    this.decisions = new PromotionDecisions({
      ...options,
      runner: this.runner,
      request: req => this.request(req),
      pending: r => this.pending(r),
      audit: (e, r, x) => this.audit(e, r, x),
      changed: c => this.changed(c),
    });
  }

  /**
   * Called after every change of a ledger row (the row) or of a hold (the pipeline only).
   * Returns an unsubscribe function.
   */
  onChange(
    listener: (change: PromotionChange, origin: ChangeOrigin) => void,
  ): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(record: PromotionChange, origin: ChangeOrigin = 'local') {
    for (const l of this.listeners) l(record, origin);
  }

  /**
   * Tells this replica's listeners (live streams, the level trigger) about a change another
   * replica made; `origin` 'remote' keeps it from being sent on again.
   */
  remoteChanged(record: PromotionChange) {
    this.changed(record, 'remote');
  }

  /** Tells listeners (live streams, other replicas) that something of a pipeline changed: a hold, a block. */
  pipelineChanged = (key: PipelineKey) => this.changed({ pipeline: key });

  /** Runs what is runnable now, in the background. */
  kick() {
    this.runner.kick();
  }

  /** Resolves when the background run (if any) is done (for tests and shutdown). */
  idle() {
    return this.runner.idle();
  }

  /**
   * Records a request: `waiting-approval` for a manual environment, else `queued`.
   * Repeating a request while its row is active returns that row (`created: false`).
   * @throws InputError for a bad version (`parseVersion`), the first environment or no
   *   strategy; ConflictError when the version is blocked, the environment is held
   *   (automatic triggers), a newer version is already on its way there (anything but a
   *   rollback), or the precedence rules (`precedenceOf`) refuse or ignore it.
   */
  async request(
    req: PromotionRequest,
  ): Promise<{ record: PromotionRecord; created: boolean }> {
    const result = await this.offer(req);
    if (result.ignored !== undefined) throw new ConflictError(result.ignored);
    return result;
  }

  /**
   * As {@link PromotionEngine.request}, for automatic triggers: what the precedence rules
   * ignore (backwards, unchanged, decided by a person) creates nothing and comes back as
   * `ignored` with the reason instead of an error.
   */
  async offer(req: PromotionRequest): Promise<OfferResult> {
    const admission = await admitRequest(this.options, req);
    if (admission.kind === 'ignored')
      return { ignored: admission.reason, created: false };
    if (admission.kind === 'existing')
      return { record: admission.record, created: false };
    const result = await this.options.store.create(
      admission.promotion,
      admission.event,
    );
    if (result.created) {
      crashPoint('after-request');
      await this.audit('promotion-requested', result.record);
      await this.pending(result.record);
    }
    return result;
  }

  /** A row that became waiting or queued supersedes the other pending rows of its environment. */
  private async pending(record: PromotionRecord) {
    const { store } = this.options;
    const states =
      record.state === 'waiting-approval'
        ? ['waiting-approval' as const]
        : ['waiting-approval' as const, 'queued' as const];
    const superseded = await store.supersedePending(
      record.pipeline,
      record.toEnvironment,
      record.id,
      states,
      `${record.version} was requested after it`,
    );
    for (const r of superseded) this.changed(r);
    if (record.state === 'queued') this.kick();
  }

  /**
   * The compatibility webhook: `version` is now in `environment`; promote it into the next
   * one. A request the precedence rules ignore (the next environment runs a newer or the
   * same version, a person ended it) comes back as `{ ignored }`: answer it with 200.
   */
  async requestNext(
    key: PipelineKey,
    environment: string,
    version: string,
    requestedBy: string,
  ): Promise<OfferResult> {
    const { index, envs } = planPromotion(this.options.cache, key, environment);
    if (index === envs.length - 1) {
      throw new InputError(
        `"${environment}" is the last environment of ${key.namespace}/${key.name}: nothing to promote into`,
      );
    }
    return this.offer({
      pipeline: key,
      environment: envs[index + 1].name,
      version,
      trigger: 'webhook',
      requestedBy,
    });
  }

  private async mustGet(id: string) {
    const record = await this.options.store.get(id);
    if (!record) throw new NotFoundError(`Promotion ${id} not found`);
    return record;
  }

  /** {@link PromotionDecisions.decide} */
  decide(
    id: string,
    decision: 'approved' | 'rejected',
    by: string,
    reason?: string,
  ): Promise<PromotionRecord> {
    return this.decisions.decide(id, decision, by, reason);
  }

  /** {@link PromotionDecisions.cancel} */
  cancel(id: string, by: string, reason?: string): Promise<PromotionRecord> {
    return this.decisions.cancel(id, by, reason);
  }

  /** Retries a failed promotion: a new request for the same version, linked by `retryOf`. */
  async retry(id: string, by: string, trigger: PromotionTrigger = 'user') {
    const record = await this.mustGet(id);
    if (record.state !== 'failed')
      throw new ConflictError(
        `Promotion ${id} is ${record.state}: only failed promotions can be retried`,
      );
    return this.request({
      pipeline: record.pipeline,
      environment: record.toEnvironment,
      version: record.version,
      trigger,
      requestedBy: by,
      retryOf: id,
    });
  }

  /** {@link PromotionDecisions.rollback} */
  rollback(
    key: PipelineKey,
    environment: string,
    version: string,
    by: string,
    reason?: string,
  ) {
    return this.decisions.rollback(key, environment, version, by, reason);
  }

  /** {@link PromotionDecisions.releaseHold} */
  releaseHold(
    key: PipelineKey,
    environment: string,
    by: string,
  ): Promise<EnvironmentHold> {
    return this.decisions.releaseHold(key, environment, by);
  }

  /**
   * Whether the environment is held or a promotion is on its way into it (queued, running,
   * awaiting merge or rolling out): level triggers skip it. A promotion only waiting for
   * approval does not count: a newer version may supersede it.
   */
  async isBusy(key: PipelineKey, environment: string): Promise<boolean> {
    if (await this.options.holds.get(key, environment)) return true;
    const active = await this.options.store.listActive(key, environment);
    return active.some(r => r.state !== 'waiting-approval');
  }

  async audit(
    eventId: string,
    record: PromotionRecord,
    extra: Record<string, unknown> = {},
  ) {
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
