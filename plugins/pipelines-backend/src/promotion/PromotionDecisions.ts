import { AuditorService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  EnvironmentHold,
  normalizeIdentityRef,
  sameIdentity,
  PipelineKey,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';
import { HoldStore, PromotionStore } from '../database/PromotionStore';
import type { PromotionRequest } from './admitRequest';
import { canonicalVersion } from './precedence';
import type { PromotionChange } from './PromotionEngine';
import type { PromotionRunner } from './PromotionRunner';

/** What {@link PromotionDecisions} needs from the engine it belongs to. */
export interface PromotionDecisionsOptions {
  store: PromotionStore;
  holds: HoldStore;
  auditor?: AuditorService;
  runner: Pick<PromotionRunner, 'closePullRequest'>;
  /** The engine's request (a rollback is one). */
  request(
    req: PromotionRequest,
  ): Promise<{ record: PromotionRecord; created: boolean }>;
  /** A row that became waiting or queued: supersede the others, run it. */
  pending(record: PromotionRecord): Promise<void>;
  /** Audits a row's change and tells the listeners. */
  audit(
    eventId: string,
    record: PromotionRecord,
    extra?: Record<string, unknown>,
  ): Promise<void>;
  /** Tells the listeners that something of a pipeline changed. */
  changed(change: PromotionChange): void;
}

/**
 * What people decide about promotions — approve, reject, cancel, roll back, release a
 * hold — for the {@link PromotionEngine}, which exposes each; the router checks the
 * permission first.
 */
export class PromotionDecisions {
  constructor(private readonly deps: PromotionDecisionsOptions) {}

  private async mustGet(id: string) {
    const record = await this.deps.store.get(id);
    if (!record) throw new NotFoundError(`Promotion ${id} not found`);
    return record;
  }

  /**
   * Approves or rejects a waiting promotion. An approval counts once per person; when the
   * distinct approvers reach the row's `requiredApprovals` it is queued. One rejection ends
   * it. The requester can do neither.
   * @throws ConflictError when it is not waiting, or `by` already approved it.
   */
  async decide(
    id: string,
    decision: 'approved' | 'rejected',
    by: string,
    reason?: string,
  ): Promise<PromotionRecord> {
    const record = await this.mustGet(id);
    if (record.state !== 'waiting-approval')
      throw new ConflictError(
        `Promotion ${id} is ${record.state}, not waiting for approval`,
      );
    if (sameIdentity(record.requestedBy, by))
      throw new NotAllowedError(
        'You requested this promotion: someone else must approve or reject it',
      );
    const approval = { by, at: new Date().toISOString(), decision, reason };
    if (decision === 'rejected') {
      const rejected = await this.deps.store.transition(
        id,
        ['waiting-approval'],
        'rejected',
        { approval },
        {
          type: 'rejected',
          actor: by,
          message: `Rejected by ${by}${reason ? `: ${reason}` : ''}`,
        },
      );
      if (!rejected)
        throw new ConflictError(
          `Promotion ${id} was decided by someone else meanwhile`,
        );
      await this.deps.audit('promotion-rejected', rejected, { by, reason });
      return rejected;
    }
    const count = new Set([
      ...record.approvals
        .filter(a => a.decision === 'approved')
        .map(a => normalizeIdentityRef(a.by)),
      normalizeIdentityRef(by),
    ]).size;
    const result = await this.deps.store.approve(id, approval, {
      type: 'approved',
      actor: by,
      message: `Approved by ${by} (${Math.min(
        count,
        record.requiredApprovals,
      )} of ${record.requiredApprovals})${reason ? `: ${reason}` : ''}`,
    });
    if (!result)
      throw new ConflictError(
        `Promotion ${id} was decided by someone else meanwhile`,
      );
    if (result.outcome === 'duplicate')
      throw new ConflictError(
        `${by} has already approved promotion ${id}: nobody counts twice`,
      );
    await this.deps.audit('promotion-approved', result.record, {
      by,
      reason,
      approvals: result.record.approvals.length,
      required: result.record.requiredApprovals,
    });
    if (result.outcome === 'queued') await this.deps.pending(result.record);
    return result.record;
  }

  /**
   * Cancels a waiting, queued or awaiting-merge promotion; an open pull request is closed
   * with a comment first.
   * @throws ConflictError in any other state (running: try again in a moment).
   */
  async cancel(
    id: string,
    by: string,
    reason?: string,
  ): Promise<PromotionRecord> {
    const record = await this.mustGet(id);
    const from = ['waiting-approval', 'queued', 'awaiting-merge'] as const;
    if (!from.includes(record.state as any)) {
      throw new ConflictError(
        `Promotion ${id} is ${record.state}: only waiting, queued or awaiting-merge promotions can be cancelled`,
      );
    }
    const why = `Cancelled by ${by}${reason ? `: ${reason}` : ''}`;
    if (record.state === 'awaiting-merge')
      await this.deps.runner.closePullRequest(
        record,
        `${why}. This pull request was closed from Backstage.`,
      );
    const updated = await this.deps.store.transition(
      id,
      [record.state],
      'cancelled',
      {},
      { type: 'cancelled', actor: by, message: why },
    );
    if (!updated)
      throw new ConflictError(`Promotion ${id} changed meanwhile; look again`);
    await this.deps.audit('promotion-cancelled', updated, { by, reason });
    return updated;
  }

  /**
   * Rolls an environment back to a version that was deployed there before, and holds the
   * environment: no automatic promotion into it until a user releases the hold.
   * @throws InputError when the version was never deployed there.
   */
  async rollback(
    key: PipelineKey,
    environment: string,
    requested: string,
    by: string,
    reason?: string,
  ) {
    const version = canonicalVersion(requested);
    const deployed = await this.deps.store.listDeployed(key, environment);
    if (!deployed.some(r => r.version === version)) {
      const known = [...new Set(deployed.map(r => r.version))];
      throw new InputError(
        `${version} was never deployed into "${environment}"${
          known.length ? `; versions deployed there: ${known.join(', ')}` : ''
        }`,
      );
    }
    const result = await this.deps.request({
      pipeline: key,
      environment,
      version,
      trigger: 'rollback',
      requestedBy: by,
    });
    const hold = await this.deps.holds.place(key, {
      environment,
      heldBy: by,
      reason: reason
        ? `rollback to ${version}: ${reason}`
        : `rollback to ${version}`,
      promotionId: result.record.id,
    });
    await this.deps.store.appendEvent(result.record.id, {
      type: 'hold-placed',
      actor: by,
      message: `${environment} is held: ${hold.reason}`,
    });
    await this.deps.audit('environment-held', result.record, {
      by,
      hold: hold.reason,
    });
    return { ...result, hold };
  }

  /** Releases an environment's hold. @throws NotFoundError when it is not held. */
  async releaseHold(
    key: PipelineKey,
    environment: string,
    by: string,
  ): Promise<EnvironmentHold> {
    const released = await this.deps.holds.release(key, environment, by);
    if (!released)
      throw new NotFoundError(
        `"${environment}" of ${key.namespace}/${key.name} is not held`,
      );
    const auditor = this.deps.auditor;
    if (auditor) {
      const event = await auditor.createEvent({
        eventId: 'environment-hold-released',
        severityLevel: 'medium',
        meta: {
          pipeline: `${key.cluster}/${key.namespace}/${key.name}`,
          environment,
          by,
          hold: released.reason,
        },
      });
      await event.success();
    }
    this.deps.changed({ pipeline: key });
    return released;
  }
}
