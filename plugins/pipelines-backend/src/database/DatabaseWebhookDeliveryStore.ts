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

/**
 * The webhooks' accepted deliveries (replay protection across replicas and restarts). A
 * delivery is looked up before it is acted on and recorded after: a crash in between never
 * loses the sender's retry, and two copies racing are one promotion anyway (the engine's
 * identity rule makes the second request a no-op).
 */
export interface WebhookDeliveryStore {
  /** Whether the digest was recorded within the retention (a replay: do nothing). */
  seen(digest: string): Promise<boolean>;
  /** Records an accepted delivery (again: keeps the first). */
  record(digest: string, pipeline: PipelineKey): Promise<void>;
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
 * Deliveries in the plugin's database (`webhook_deliveries`, the digest as primary key).
 * Recording prunes the rows past the retention, at most once an hour per replica.
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

  private get retentionMs() {
    return this.options.retentionMs ?? DELIVERY_RETENTION_MS;
  }

  async seen(digest: string): Promise<boolean> {
    const since = new Date(this.now().getTime() - this.retentionMs);
    const row = await this.db<DeliveryRow>(TABLE)
      .where({ digest })
      .andWhere('received_at', '>=', since)
      .first('digest');
    return Boolean(row);
  }

  async record(digest: string, pipeline: PipelineKey): Promise<void> {
    const now = this.now();
    if (now.getTime() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = now.getTime();
      await this.prune(new Date(now.getTime() - this.retentionMs));
    }
    try {
      await this.db<DeliveryRow>(TABLE).insert({
        digest,
        namespace: pipeline.namespace,
        name: pipeline.name,
        received_at: now,
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // recorded by a racing copy, or past the retention and not pruned yet: from now
      await this.db<DeliveryRow>(TABLE)
        .where({ digest })
        .andWhere(
          'received_at',
          '<',
          new Date(now.getTime() - this.retentionMs),
        )
        .update({ received_at: now });
    }
  }

  async prune(before: Date): Promise<number> {
    return this.db<DeliveryRow>(TABLE)
      .where('received_at', '<', before)
      .delete();
  }
}
