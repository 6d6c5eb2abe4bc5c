import type { PipelineKey } from '@gitops-pipelines/plugin-pipelines-common';
import { createHash } from 'crypto';
import { Knex } from 'knex';
import { isUniqueViolation } from './rows';

const TABLE = 'webhook_deliveries';

/** How long an accepted delivery is remembered: a replay within it is ignored. */
export const DELIVERY_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** How often (at most) one replica deletes the deliveries older than the retention. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * The digest of a delivery: sha256 over the route kind, the parsed path (so that another
 * spelling of the same URL is the same delivery) and the raw body.
 */
export function deliveryDigest(
  route: string,
  path: Record<string, string>,
  body: Buffer,
): string {
  const hash = createHash('sha256');
  hash.update(
    `${route}\u0000${Object.keys(path)
      .sort()
      .map(k => `${k}=${path[k]}`)
      .join('\u0000')}\u0000`,
  );
  return hash.update(body).digest('hex');
}

/** The webhooks' accepted deliveries (replay protection across replicas and restarts). */
export interface WebhookDeliveryStore {
  /**
   * Records a delivery before it is acted on; false when the same digest was recorded within
   * the retention (a replay: do nothing).
   */
  claim(digest: string, pipeline: PipelineKey): Promise<boolean>;
  /** Forgets a claimed delivery whose handling failed, so that the sender's retry counts. */
  release(digest: string): Promise<void>;
  /** Deletes the deliveries received before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

type DeliveryRow = {
  digest: string;
  namespace: string;
  name: string;
  received_at: Date | string | number;
};

/**
 * Deliveries in the plugin's database (`webhook_deliveries`, the digest as primary key: one
 * replica wins a race). Claims prune expired rows, at most once an hour per replica.
 */
export class DatabaseWebhookDeliveryStore implements WebhookDeliveryStore {
  private lastPrune = 0;

  constructor(
    private readonly db: Knex,
    private readonly options: { retentionMs?: number; now?: () => Date } = {},
  ) {}

  private now() {
    return this.options.now?.() ?? new Date();
  }

  async claim(digest: string, pipeline: PipelineKey): Promise<boolean> {
    const now = this.now();
    const retentionMs = this.options.retentionMs ?? DELIVERY_RETENTION_MS;
    if (now.getTime() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = now.getTime();
      await this.prune(new Date(now.getTime() - retentionMs));
    }
    try {
      await this.db<DeliveryRow>(TABLE).insert({
        digest,
        namespace: pipeline.namespace,
        name: pipeline.name,
        received_at: now,
      });
      return true;
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    // a row past the retention that the hourly prune has not deleted yet is not a replay
    const expired = await this.db<DeliveryRow>(TABLE)
      .where({ digest })
      .andWhere('received_at', '<', new Date(now.getTime() - retentionMs))
      .update({ received_at: now });
    return expired > 0;
  }

  async release(digest: string): Promise<void> {
    await this.db<DeliveryRow>(TABLE).where({ digest }).delete();
  }

  async prune(before: Date): Promise<number> {
    return this.db<DeliveryRow>(TABLE)
      .where('received_at', '<', before)
      .delete();
  }
}
