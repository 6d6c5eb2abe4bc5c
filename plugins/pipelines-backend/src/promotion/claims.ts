import { LoggerService } from '@backstage/backend-plugin-api';
import { PromotionStore } from '../database/PromotionStore';

/**
 * How long a runner's claim on a ledger row lasts without renewal, ms: a replica that stops
 * (SIGKILL, crash, network partition) leaves its rows to another replica after at most this
 * long (plus that replica's next runner pass, every `runnerIntervalSeconds`).
 */
export const DEFAULT_LEASE_MS = 30_000;

/**
 * Runs `work` on a row claimed by `owner`, renewing the claim (`store.renew`) every third of
 * `leaseMs` until `work` settles — the heartbeat that keeps a long forge call or clone from
 * losing the row while its replica is alive. A renewal that finds the claim gone (the replica
 * stalled past its lease and another took the row over) is logged as a warning; the row's
 * transitions stay guarded by its state, so the slower writer's move is refused.
 */
export async function holdClaim<T>(
  claim: { store: Pick<PromotionStore, 'renew'>; logger: LoggerService; id: string; owner: string; leaseMs: number },
  work: () => Promise<T>,
): Promise<T> {
  const { store, logger, id, owner, leaseMs } = claim;
  const heartbeat = setInterval(() => {
    store
      .renew(id, owner, leaseMs)
      .then(held => {
        if (!held) logger.warn(`Promotion ${id}: this replica's claim was lost (another replica may have taken the row over)`);
      })
      .catch(e => logger.warn(`Promotion ${id}: renewing the claim failed: ${e}`));
  }, Math.max(100, Math.floor(leaseMs / 3)));
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
  }
}
