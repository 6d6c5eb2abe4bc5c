import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  DefaultEventsService,
  EventParams,
} from '@backstage/plugin-events-node';
import { DatabaseHoldStore } from '../database/DatabaseHoldStore';
import { DatabasePromotionStore } from '../database/DatabasePromotionStore';
import {
  ChangeOrigin,
  PromotionChange,
  PromotionEngine,
} from './PromotionEngine';
import {
  connectPromotionChanges,
  PROMOTION_CHANGED_TOPIC,
} from './promotionChangeBus';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const pipeline = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
};
/** Lets the events service's async deliveries settle. */
const settle = async () => {
  for (let i = 0; i < 5; i++)
    await new Promise(resolve => setImmediate(resolve));
};

/**
 * Two replicas of the plugin in one process: one shared ledger database and one shared
 * in-process events service (what the events backend's bus is across processes), each replica
 * with its own PromotionEngine and instance id.
 */
async function setup() {
  const eventsLogger = mockServices.logger.mock();
  const service = DefaultEventsService.create({ logger: eventsLogger });
  const store = await DatabasePromotionStore.create({
    database: mockServices.database({
      knex: await databases.init('SQLITE_3'),
      migrations: { skip: false },
    }),
  });
  const holds = new DatabaseHoldStore(store.client);
  /** Every payload on the topic, as a third subscriber sees it. */
  const published: unknown[] = [];
  await service.subscribe({
    id: 'observer',
    topics: [PROMOTION_CHANGED_TOPIC],
    onEvent: async (params: EventParams) =>
      void published.push(params.eventPayload),
  });

  async function replica(instanceId: string) {
    const logger = mockServices.logger.mock();
    const events = service.forPlugin('pipelines');
    const engine = new PromotionEngine({
      store,
      holds,
      cache: {
        getPipelineObject: () => undefined,
        getPipeline: () => undefined,
      },
      strategies: [],
      logger,
    });
    const seen: Array<{ change: PromotionChange; origin: ChangeOrigin }> = [];
    engine.onChange((change, origin) => void seen.push({ change, origin }));
    const publish = jest.spyOn(events, 'publish');
    const stop = await connectPromotionChanges({
      events,
      engine,
      instanceId,
      logger,
    });
    return { engine, events, seen, publish, stop, logger };
  }

  const a = await replica('replica-a');
  const b = await replica('replica-b');
  return { service, eventsLogger, store, holds, published, a, b };
}

describe('connectPromotionChanges', () => {
  it("hands a change made on one replica to the other's listeners once, as remote, without echo or republishing", async () => {
    const { holds, published, a, b, eventsLogger } = await setup();
    await holds.place(pipeline, {
      environment: 'prod',
      heldBy: 'user:default/alice',
      reason: 'incident 42',
    });

    await a.engine.releaseHold(pipeline, 'prod', 'user:default/alice');
    await settle();

    expect(a.seen).toEqual([{ change: { pipeline }, origin: 'local' }]);
    expect(b.seen).toEqual([{ change: { pipeline }, origin: 'remote' }]);
    // One event on the topic: A published it, B did not send the remote change on.
    expect(published).toEqual([{ origin: 'replica-a', change: { pipeline } }]);
    expect(a.publish).toHaveBeenCalledTimes(1);
    expect(b.publish).not.toHaveBeenCalled();
    expect(eventsLogger.warn).not.toHaveBeenCalled();
    expect(a.logger.warn).not.toHaveBeenCalled();
  });

  it('carries a promotion row changed on the other replica back the same way, once', async () => {
    const { store, published, a, b } = await setup();
    const { record } = await store.create(
      {
        pipeline,
        fromEnvironment: 'dev',
        toEnvironment: 'prod',
        version: '6.1.0',
        trigger: 'user',
        requestedBy: 'user:default/bob',
        state: 'waiting-approval',
        strategy: 'notification',
      },
      { type: 'requested', message: 'requested' },
    );

    const cancelled = await b.engine.cancel(
      record.id,
      'user:default/bob',
      'not today',
    );
    await settle();

    expect(cancelled).toMatchObject({ id: record.id, state: 'cancelled' });
    expect(b.seen).toEqual([{ change: cancelled, origin: 'local' }]);
    expect(a.seen).toEqual([{ change: cancelled, origin: 'remote' }]);
    expect(published).toEqual([{ origin: 'replica-b', change: cancelled }]);
    expect(a.publish).not.toHaveBeenCalled();
  });

  it('ignores malformed payloads on the topic and keeps delivering well-formed ones', async () => {
    const { service, published, a, b, eventsLogger } = await setup();
    const malformed = [
      undefined,
      null,
      'garbage',
      42,
      [],
      {},
      { origin: 'replica-x' },
      { origin: 'replica-x', change: null },
      { origin: 'replica-x', change: { id: 'no-pipeline' } },
    ];
    for (const eventPayload of malformed) {
      await service.publish({ topic: PROMOTION_CHANGED_TOPIC, eventPayload });
    }
    await settle();

    expect(a.seen).toEqual([]);
    expect(b.seen).toEqual([]);
    // No subscriber threw on them (the events service logs a warning for each that does).
    expect(eventsLogger.warn).not.toHaveBeenCalled();
    expect(published).toHaveLength(malformed.length);

    // The subscriptions are still there: a well-formed change from a third replica reaches both.
    await service.publish({
      topic: PROMOTION_CHANGED_TOPIC,
      eventPayload: { origin: 'replica-x', change: { pipeline } },
    });
    await settle();
    expect(a.seen).toEqual([{ change: { pipeline }, origin: 'remote' }]);
    expect(b.seen).toEqual([{ change: { pipeline }, origin: 'remote' }]);
    expect(a.publish).not.toHaveBeenCalled();
    expect(b.publish).not.toHaveBeenCalled();
  });

  it('stops publishing local changes once the returned function is called', async () => {
    const { holds, published, a, b } = await setup();
    await holds.place(pipeline, {
      environment: 'prod',
      heldBy: 'user:default/alice',
      reason: 'incident 43',
    });

    a.stop();
    await a.engine.releaseHold(pipeline, 'prod', 'user:default/alice');
    await settle();

    expect(a.seen).toEqual([{ change: { pipeline }, origin: 'local' }]);
    expect(b.seen).toEqual([]);
    expect(published).toEqual([]);
  });
});
