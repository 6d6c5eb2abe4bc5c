import { LoggerService } from '@backstage/backend-plugin-api';
import { PromotionStore } from '../database/PromotionStore';

/**
 * How long a runner's claim on a ledger row lasts without renewal, ms: a replica that stops
 * (SIGKILL, crash, network partition) leaves its rows to another replica after at most this
 * long (plus that replica's next runner pass, every `runnerIntervalSeconds`).
 */
export const DEFAULT_LEASE_MS = 30_000;

/** Gives a claimed row back until `retryAt` (see `PromotionStore.release`), after the heartbeat has stopped. */
export type ReleaseClaim = (
  retryAt: Date,
  error?: string,
  etag?: string,
) => Promise<void>;

/**
 * Runs `work` on a row claimed by `owner`, renewing the claim (`store.renew`) every third of
 * `leaseMs` until `work` settles — the heartbeat that keeps a long forge call or clone from
 * losing the row while its replica is alive. `work` gets a `release` that stops the heartbeat
 * (and waits for a renewal in flight) before it releases the row, so a late renewal cannot
 * overwrite the release's retry time. A renewal that finds the claim gone (the replica stalled
 * past its lease and another took the row over) is logged as a warning; the row's transitions
 * stay guarded by its state, so the slower writer's move is refused.
 */
export async function holdClaim<T>(
  claim: {
    store: Pick<PromotionStore, 'renew' | 'release'>;
    logger: LoggerService;
    id: string;
    owner: string;
    leaseMs: number;
  },
  work: (release: ReleaseClaim) => Promise<T>,
): Promise<T> {
  const { store, logger, id, owner, leaseMs } = claim;
  let inFlight: Promise<unknown> = Promise.resolve();
  const heartbeat = setInterval(() => {
    inFlight = store
      .renew(id, owner, leaseMs)
      .then(held => {
        if (!held)
          logger.warn(
            `Promotion ${id}: this replica's claim was lost (another replica may have taken the row over)`,
          );
      })
      .catch(e =>
        logger.warn(`Promotion ${id}: renewing the claim failed: ${e}`),
      );
  }, Math.max(100, Math.floor(leaseMs / 3)));
  const stop = async () => {
    clearInterval(heartbeat);
    await inFlight;
  };
  try {
    return await work(async (retryAt, error, etag) => {
      await stop();
      await store.release(id, owner, retryAt, error, etag);
    });
  } finally {
    await stop();
  }
}
