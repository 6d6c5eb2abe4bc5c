import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import type { PromotionChange, PromotionEngine } from './PromotionEngine';

/** The events-service topic that carries promotion changes between replicas. */
export const PROMOTION_CHANGED_TOPIC = 'pipelines.promotion-changed';

/** The payload of a {@link PROMOTION_CHANGED_TOPIC} event. */
export interface PromotionChangedEvent {
  /** The backend instance that made the change (`rootInstanceMetadata.getId()`). */
  origin: string;
  change: PromotionChange;
}

/**
 * Carries promotion changes between replicas through Backstage's events service: every change
 * made on this replica is published on {@link PROMOTION_CHANGED_TOPIC}, and changes published by
 * other replicas are handed to this replica's listeners (`engine.remoteChanged`: live streams,
 * the level trigger). The subscription id is per instance, as the signals backend does it, so
 * every replica gets every change once. Across processes this needs the events backend
 * (`@backstage/plugin-events-backend`, whose bus keeps events in PostgreSQL); without it the
 * events service is in-process and changes stay on their replica. Returns a function that stops
 * publishing (the subscription ends with the process).
 */
export async function connectPromotionChanges(options: {
  events: EventsService;
  engine: Pick<PromotionEngine, 'onChange' | 'remoteChanged'>;
  instanceId: string;
  logger: LoggerService;
}): Promise<() => void> {
  const { events, engine, instanceId, logger } = options;
  await events.subscribe({
    id: `promotion-changes.${instanceId}`,
    topics: [PROMOTION_CHANGED_TOPIC],
    onEvent: async params => {
      const payload = params.eventPayload as
        | Partial<PromotionChangedEvent>
        | undefined;
      const change = payload?.change;
      if (
        !change ||
        typeof change.pipeline !== 'object' ||
        typeof change.pipeline?.name !== 'string'
      )
        return;
      if (payload?.origin === instanceId) return;
      engine.remoteChanged(change);
    },
  });
  return engine.onChange((change, origin) => {
    if (origin !== 'local') return;
    const eventPayload: PromotionChangedEvent = { origin: instanceId, change };
    events
      .publish({ topic: PROMOTION_CHANGED_TOPIC, eventPayload })
      .catch(e => {
        logger.warn(
          `Could not publish a promotion change to other replicas: ${e}`,
        );
      });
  });
}
