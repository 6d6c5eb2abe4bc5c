import { PromotionRecord } from '@gitops-pipelines/plugin-pipelines-common';
import { PromotionStore } from '../database/PromotionStore';

/** The actor of approvals that ran out of time. */
export const APPROVAL_TIMEOUT_ACTOR = 'pipelines:approval-timeout';

/** `90 seconds`, `45 minutes`, `1 day`: the timeout in the largest unit that divides it. */
function describe(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  const [size, unit] = units.find(([s]) => ms >= s && ms % s === 0) ?? [
    1000,
    'second',
  ];
  const n = Math.round(ms / size);
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * Ends the promotions that waited for approval longer than `timeoutMs` (`pipelines.approvals.timeout`)
 * as `rejected`, with "No decision within …" in their log; each is audited by `audit`.
 * Returns when the next waiting one runs out (ms since the epoch), for the runner to look again.
 */
export async function expireApprovals(options: {
  store: PromotionStore;
  timeoutMs: number;
  audit: (
    eventId: string,
    record: PromotionRecord,
    extra?: Record<string, unknown>,
  ) => Promise<void>;
  now?: number;
}): Promise<number | undefined> {
  const { store, timeoutMs, audit } = options;
  const now = options.now ?? Date.now();
  let next: number | undefined;
  for (const record of await store.listByState(['waiting-approval'], 200)) {
    const due = Date.parse(record.createdAt) + timeoutMs;
    if (due > now) {
      next = Math.min(next ?? Infinity, due);
      continue;
    }
    const message = `No decision within ${describe(timeoutMs)}: rejected`;
    const rejected = await store.transition(
      record.id,
      ['waiting-approval'],
      'rejected',
      { error: message },
      { type: 'rejected', actor: APPROVAL_TIMEOUT_ACTOR, message },
    );
    if (rejected)
      await audit('promotion-approval-expired', rejected, {
        by: APPROVAL_TIMEOUT_ACTOR,
        timeoutMs,
      });
  }
  return next;
}
