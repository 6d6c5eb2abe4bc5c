import { LoggerService } from '@backstage/backend-plugin-api';
import {
  freezeStatus,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';
import { randomBytes } from 'crypto';
import os from 'os';
import { PipelineCache } from '../cache/PipelineCache';
import { ENGINE_ACTOR, PromotionStore } from '../database/PromotionStore';
import { DEFAULT_LEASE_MS, holdClaim, ReleaseClaim } from './claims';
import { crashPoint } from './crashPoint';
import { expireApprovals } from './expireApprovals';
import { planPromotion } from './planPromotion';
import { RolloutSettler } from './RolloutSettler';
import {
  PromotionContext,
  PromotionError,
  PromotionStrategy,
} from './strategies/PromotionStrategy';
import { mayReplace } from './versionOrder';
import { DEFAULT_POLL, pullRequestPollDelay } from './pullRequestPolling';

export interface PromotionRunnerOptions {
  store: PromotionStore;
  cache: Pick<PipelineCache, 'getPipelineObject' | 'getPipeline'>;
  strategies: PromotionStrategy[];
  logger: LoggerService;
  /** Attempts before a retryable failure becomes final. Default 5. */
  maxAttempts?: number;
  /** First retry delay in ms; doubles per attempt. Default 2,000. */
  retryBaseMs?: number;
  /**
   * How long a claim lasts before another replica may take the row over, ms. Default 30 s;
   * the runner renews it every third of that while it works (a heartbeat), so only a replica
   * that stopped (crashed, killed, partitioned) loses its rows — to another within `leaseMs`.
   */
  leaseMs?: number;
  /** A rolling-out promotion not deployed within this many ms fails. Default 1 h. */
  rolloutTimeoutMs?: number;
  /** Pull-request polling: the first check after this many ms, then a tenth of the PR's age, at most `maxMs`. */
  pullRequestPoll?: { minMs: number; maxMs: number };
  /** `pipelines.approvals.timeout` in ms: waiting promotions older than this are rejected. */
  approvalTimeoutMs?: number;
  /** Posts the gates of an open pull request's promotion on its head commit (createGateReporter). */
  reportGates?: (
    record: PromotionRecord,
    ctx: PromotionContext,
    strategy: PromotionStrategy,
    headSha: string,
  ) => Promise<void>;
  changed: (record: PromotionRecord) => void;
  audit: (
    eventId: string,
    record: PromotionRecord,
    extra?: Record<string, unknown>,
  ) => Promise<void>;
}

/**
 * Carries ledger rows through their life, in passes: queued rows take their environment,
 * running rows are written by their strategy (claimed, retried with backoff), open pull
 * requests are polled until merged or closed, rolling-out rows settle from the watch cache.
 * Each row is worked on by one replica at a time (claims in the database).
 */
export class PromotionRunner {
  private readonly owner = `${os.hostname()}-${process.pid}-${randomBytes(
    4,
  ).toString('hex')}`;
  private readonly strategies: Map<string, PromotionStrategy>;
  private running?: Promise<void>;
  private again = false;
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly rollouts: RolloutSettler;

  constructor(private readonly options: PromotionRunnerOptions) {
    this.strategies = new Map(options.strategies.map(s => [s.name, s]));
    this.rollouts = new RolloutSettler(options);
  }

  /** Runs a pass in the background; calls while one runs queue one more pass. */
  kick() {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runPass()
      .catch(e => this.options.logger.error(`Promotion pass failed: ${e}`))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * Runs a pass at `at` (a PR check or a retry that is due then), so that due work does not
   * wait for the scheduler's next round. One timer per 100 ms slot: many rows due at about
   * the same time share a pass, and no due time is lost to another.
   */
  private kickAt(at: Date) {
    const slot = Math.ceil(at.getTime() / 100) * 100;
    if (this.timers.has(slot)) return;
    const handle = setTimeout(() => {
      this.timers.delete(slot);
      this.kick();
    }, Math.max(0, slot - Date.now()) + 10);
    handle.unref?.();
    this.timers.set(slot, handle);
  }

  /**
   * A pass soon (at the next half second, at least 250 ms away), for changes of the watch
   * cache: a burst of changes gives one pass, not one per change — at most two a second.
   */
  kickSoon() {
    this.kickAt(new Date(Math.ceil((Date.now() + 250) / 500) * 500));
  }

  /** Stops the timers (shutdown). */
  stop() {
    for (const handle of this.timers.values()) clearTimeout(handle);
    this.timers.clear();
  }

  /** Resolves when no pass runs (for tests and shutdown). */
  async idle() {
    while (this.running) await this.running;
  }

  async runPass() {
    if (this.options.approvalTimeoutMs) {
      const next = await expireApprovals({
        store: this.options.store,
        timeoutMs: this.options.approvalTimeoutMs,
        audit: this.options.audit,
      });
      if (next) this.kickAt(new Date(Math.min(next, Date.now() + 3_600_000)));
    }
    await this.dispatchQueued();
    await this.executeRunnable();
    await this.followPullRequests();
    await this.settleRollouts();
  }

  private async dispatchQueued() {
    const { store } = this.options;
    for (const record of await store.listByState(['queued'], 50)) {
      if (await this.frozen(record)) continue;
      const result = await store.takeEnvironment(record.id, holder =>
        mayReplace(record, holder),
      );
      if (!result) continue;
      if (result.taken && result.replaced)
        await this.options.audit('promotion-superseded', result.replaced, {
          by: record.id,
        });
      if (result.record)
        await this.options.audit(
          result.taken ? 'promotion-started' : 'promotion-superseded',
          result.record,
        );
    }
  }

  /**
   * Whether a queued row must wait: its environment is frozen (`pipelines.weave.works/freeze`)
   * and nobody broke the glass. The row's log says until when (once per window); a pass is
   * due when the window ends (at most an hour ahead: the scheduled passes cover the rest).
   */
  private async frozen(record: PromotionRecord): Promise<boolean> {
    const freeze = freezeStatus(
      this.options.cache.getPipeline(record.pipeline)?.annotations,
      record.toEnvironment,
      Date.now(),
    );
    if (!freeze.frozen) return false;
    const events = await this.options.store.events(record.id);
    if (events.some(e => e.type === 'freeze-overridden')) return false;
    const message = `"${record.toEnvironment}" is frozen (${freeze.window}) until ${freeze.until}: waiting`;
    if (!events.some(e => e.type === 'frozen' && e.message === message)) {
      await this.options.store.appendEvent(record.id, {
        type: 'frozen',
        once: true,
        actor: ENGINE_ACTOR,
        message,
      });
      this.options.changed(record);
    }
    this.kickAt(
      new Date(Math.min(Date.parse(freeze.until), Date.now() + 3_600_000)),
    );
    return true;
  }

  private context(record: PromotionRecord): {
    ctx: PromotionContext;
    strategy: PromotionStrategy;
  } {
    const plan = planPromotion(
      this.options.cache,
      record.pipeline,
      record.toEnvironment,
    );
    if (!plan.promotion)
      throw new PromotionError(
        `No promotion strategy for "${record.toEnvironment}" any more`,
        false,
      );
    const kind = plan.promotion.strategy['pull-request']
      ? 'pull-request'
      : 'notification';
    const strategy = this.strategies.get(kind);
    if (!strategy) {
      const type = plan.promotion.strategy['pull-request']?.type;
      throw new PromotionError(
        `The ${kind}${
          type ? ` (${type})` : ''
        } strategy is not available in this version of the pipelines backend`,
        false,
      );
    }
    return {
      ctx: {
        record,
        pipeline: plan.pipeline,
        promotion: plan.promotion,
        kubeConfig: plan.kubeConfig,
      },
      strategy,
    };
  }

  private get leaseMs() {
    return this.options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Runs `work` on a row this runner claimed, renewing the claim until it is done or released. */
  private holding<T>(
    id: string,
    work: (release: ReleaseClaim) => Promise<T>,
  ): Promise<T> {
    return holdClaim(
      {
        store: this.options.store,
        logger: this.options.logger,
        id,
        owner: this.owner,
        leaseMs: this.leaseMs,
      },
      work,
    );
  }

  private async executeRunnable() {
    const { store } = this.options;
    for (const record of await store.listRunnable(20)) {
      if (!(await store.claim(record.id, 'running', this.owner, this.leaseMs)))
        continue;
      await this.holding(record.id, release =>
        this.execute({ ...record, attempts: record.attempts + 1 }, release),
      );
      // The environment is free for a queued row waiting behind this one: one more pass.
      this.kick();
    }
  }

  private async fail(
    record: PromotionRecord,
    from: PromotionRecord['state'],
    message: string,
  ) {
    const failed = await this.options.store.transition(
      record.id,
      [from],
      'failed',
      { error: message },
      { type: 'failed', actor: ENGINE_ACTOR, message },
    );
    if (failed)
      await this.options.audit('promotion-failed', failed, { error: message });
  }

  private async execute(record: PromotionRecord, release: ReleaseClaim) {
    const { store, logger } = this.options;
    try {
      const { ctx, strategy } = this.context(record);
      const outcome = await strategy.execute(ctx);
      const pr = outcome.pullRequest;
      const firstCheck = pr
        ? new Date(
            Date.now() + (this.options.pullRequestPoll ?? DEFAULT_POLL).minMs,
          )
        : undefined;
      const next = pr ? 'awaiting-merge' : 'rolling-out';
      let type:
        | 'pull-request-opened'
        | 'pull-request-updated'
        | 'no-change'
        | 'notification-sent' = 'notification-sent';
      if (pr) type = pr.opened ? 'pull-request-opened' : 'pull-request-updated';
      else if (outcome.noChange) type = 'no-change';
      const moved = await store.transition(
        record.id,
        ['running'],
        next,
        {
          error: null,
          pullRequestUrl: pr?.url,
          pullRequestNumber: pr?.number,
          headSha: outcome.headSha,
          nextCheckAt: firstCheck,
        },
        { type, actor: ENGINE_ACTOR, message: outcome.summary },
      );
      if (moved && pr) crashPoint('awaiting-merge');
      if (moved)
        await this.options.audit(
          pr ? 'promotion-pull-request' : 'promotion-rolling-out',
          moved,
          { outcome: outcome.summary },
        );
      if (firstCheck) this.kickAt(firstCheck);
      logger.info(
        `Promotion ${record.id} (${record.pipeline.namespace}/${record.pipeline.name} → ${record.toEnvironment} ${record.version}): ${outcome.summary}`,
      );
    } catch (e) {
      const err =
        e instanceof PromotionError
          ? e
          : new PromotionError(String((e as Error)?.message ?? e), true);
      const max = this.options.maxAttempts ?? 5;
      if (!err.retryable || record.attempts >= max) {
        await this.fail(
          record,
          'running',
          record.attempts > 1
            ? `${err.message} (after ${record.attempts} attempts)`
            : err.message,
        );
        return;
      }
      const delay = Math.max(
        (this.options.retryBaseMs ?? 2000) * 2 ** (record.attempts - 1),
        err.retryAfterMs ?? 0,
      );
      const message = `attempt ${record.attempts} of ${max} failed: ${err.message}`;
      await release(new Date(Date.now() + delay), message);
      await store.appendEvent(record.id, {
        type: 'attempt-failed',
        actor: ENGINE_ACTOR,
        message: `${message}; retrying in ${Math.round(delay / 1000)} s`,
      });
      this.options.changed({ ...record, error: message });
      logger.warn(`Promotion ${record.id} ${message}; retrying in ${delay} ms`);
      this.kickAt(new Date(Date.now() + delay));
    }
  }

  /** The delay before the next poll of a PR open since `since` (the row entered awaiting-merge then). */
  private pollDelay(since: string) {
    return pullRequestPollDelay(
      Date.now() - Date.parse(since),
      this.options.pullRequestPoll ?? DEFAULT_POLL,
    );
  }

  private async followPullRequests() {
    const { store } = this.options;
    for (const record of await store.listPullRequestsDue(50)) {
      if (
        !(await store.claim(
          record.id,
          'awaiting-merge',
          this.owner,
          this.leaseMs,
        ))
      )
        continue;
      await this.holding(record.id, release =>
        this.followPullRequest(record, release),
      );
    }
  }

  private async followPullRequest(
    record: PromotionRecord,
    release: ReleaseClaim,
  ) {
    const { store, logger } = this.options;
    try {
      const { ctx, strategy } = this.context(record);
      const head = await store.pullRequestHead(record.id);
      const status = await strategy.followPullRequest?.(ctx, head.etag);
      if (
        status?.state !== 'merged' &&
        status?.state !== 'closed' &&
        head.headSha
      )
        await this.options.reportGates?.(record, ctx, strategy, head.headSha);
      if (status?.state === 'merged') {
        const by = status.mergedBy ? ` by ${status.mergedBy}` : '';
        const moved = await store.transition(
          record.id,
          ['awaiting-merge'],
          'rolling-out',
          {
            mergedBy: status.mergedBy,
            mergedAt: status.mergedAt ? new Date(status.mergedAt) : new Date(),
            error: null,
          },
          {
            type: 'pull-request-merged',
            actor: status.mergedBy,
            message: `Pull request #${record.pullRequestNumber} merged${by}: rolling out`,
          },
        );
        if (moved) {
          crashPoint('rolling-out');
          await this.options.audit('promotion-merged', moved, {
            mergedBy: status.mergedBy,
          });
        }
        return;
      }
      if (status?.state === 'closed') {
        const message = `Pull request #${record.pullRequestNumber} was closed without merging`;
        const moved = await store.transition(
          record.id,
          ['awaiting-merge'],
          'cancelled',
          {},
          { type: 'pull-request-closed', message },
        );
        if (moved)
          await this.options.audit('promotion-cancelled', moved, {
            reason: message,
          });
        return;
      }
      const next = new Date(Date.now() + this.pollDelay(record.updatedAt));
      await release(next, undefined, status?.etag);
      this.kickAt(next);
    } catch (e) {
      const message = `checking pull request #${record.pullRequestNumber}: ${
        (e as Error).message
      }`;
      logger.warn(`Promotion ${record.id}: ${message}`);
      const retryAfter = e instanceof PromotionError ? e.retryAfterMs ?? 0 : 0;
      const next = new Date(
        Date.now() + Math.max(retryAfter, this.pollDelay(record.updatedAt)),
      );
      await release(next, message);
      this.kickAt(next);
    }
  }

  /** Settles rolling-out rows from the watch cache (no Kubernetes calls). */
  settleRollouts() {
    return this.rollouts.settle();
  }

  /** Closes a row's pull request with a comment (cancel). */
  async closePullRequest(record: PromotionRecord, comment: string) {
    const { ctx, strategy } = this.context(record);
    await strategy.closePullRequest?.(ctx, comment);
  }
}
