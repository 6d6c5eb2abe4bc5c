import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { pipelinesPlugin } from './plugin';
import { PipelineCache } from './cache/PipelineCache';
import { DatabasePromotionStore } from './database/DatabasePromotionStore';
import { PROMOTION_CHANGED_TOPIC } from './promotion/promotionChangeBus';
import { spec } from './schema/openapi.generated';

const podinfo = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'podinfo',
    namespace: 'default',
    annotations: {
      'pipelines.weave.works/pipeline': 'flux-system/podinfo-02, bad ref',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'guests' },
};

const config = {
  kubernetes: {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'management',
            url: 'https://127.0.0.1:1',
            authProvider: 'serviceAccount',
          },
        ],
      },
    ],
  },
};

/** Audit events as the plugin records them: event id, meta, and how they ended. */
const audited: Array<{
  eventId: string;
  meta?: unknown;
  outcome?: 'success' | 'fail';
  error?: string;
}> = [];
const auditor = mockServices.auditor.mock({
  createEvent: async ({ eventId, meta }) => {
    const entry: (typeof audited)[number] = { eventId, meta };
    audited.push(entry);
    return {
      success: async () => void (entry.outcome = 'success'),
      fail: async ({ error }: { error: Error }) =>
        void Object.assign(entry, { outcome: 'fail', error: error.message }),
    };
  },
});

async function start(
  permission:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const { server } = await startTestBackend({
    features: [
      pipelinesPlugin,
      auditor.factory,
      mockServices.rootConfig.factory({ data: config }),
      mockServices.permissions.factory({ result: permission }),
      catalogServiceMock.factory({ entities: [podinfo] }),
    ],
  });
  return server;
}

describe('pipelinesPlugin', () => {
  it('audits every state-changing request that reaches it, refused ones too, and not reads', async () => {
    const server = await start(AuthorizeResult.DENY);
    audited.length = 0;
    await request(server).get('/api/pipelines/v1/pipelines');
    const refused = await request(server)
      .post(
        '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02/promotions',
      )
      .set('Authorization', mockCredentials.user.header('user:default/mallory'))
      .send({ environment: 'prod', version: '6.1.0' });
    expect(refused.status).toBe(403);
    const anonymous = await request(server)
      .post(
        '/api/pipelines/v1/promotions/00000000-0000-4000-8000-000000000000/approve',
      )
      .set('Authorization', mockCredentials.none.header())
      .send({});
    // Backstage's HTTP router refuses anonymous calls before the plugin sees them.
    expect(anonymous.status).toBe(401);
    await new Promise(r => setTimeout(r, 50));
    expect(audited).toEqual([
      {
        eventId: 'pipelines-request',
        meta: {
          method: 'POST',
          path: '/v1/pipelines/management/flux-system/podinfo-02/promotions',
        },
        outcome: 'fail',
        error:
          'POST /v1/pipelines/management/flux-system/podinfo-02/promotions answered HTTP 403',
      },
    ]);
  });

  it('refuses every mutating operation of the OpenAPI document without the permission (403, or 404 for an unknown promotion) and anonymously (401)', async () => {
    const server = await start(AuthorizeResult.DENY);
    // A valid body per operation, so that what refuses is the permission check; a new mutating operation must be added here.
    const bodies: Record<string, object | undefined> = {
      CreatePromotion: { environment: 'test', version: '1.0.0' },
      Rollback: { environment: 'test', version: '1.0.0' },
      ApprovePromotion: {},
      RejectPromotion: {},
      RetryPromotion: {},
      CancelPromotion: {},
      OverrideFreeze: { reason: 'incident fix' },
      PreviewPromotion: { environment: 'test', version: '1.0.0' },
      ReleaseHold: undefined,
      BlockVersion: { version: '1.0.0', reason: 'bad' },
      UnblockVersion: undefined,
    };
    const values: Record<string, string> = {
      cluster: 'management',
      namespace: 'flux-system',
      name: 'podinfo-02',
      id: '00000000-0000-4000-8000-000000000000',
      environment: 'test',
      version: '1.0.0',
    };
    const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, { operationId: string }>)
        .filter(
          ([method]) =>
            method !== 'get' &&
            !path.startsWith('/promotion/') &&
            !path.startsWith('/approval/'),
        )
        .map(([method, op]) => ({
          method,
          url: `/api/pipelines${path.replace(
            /\{(\w+)\}/g,
            (_, k) => values[k],
          )}`,
          id: op.operationId,
        })),
    );
    expect(operations.map(o => o.id).sort()).toEqual(
      Object.keys(bodies).sort(),
    );
    for (const { method, url, id } of operations) {
      const call = (header: string) =>
        (request(server) as any)
          [method](url)
          .set('Authorization', header)
          .send(bodies[id]);
      const denied = await call(
        mockCredentials.user.header('user:default/mallory'),
      );
      expect([id, denied.status]).toEqual([
        id,
        url.includes('/v1/promotions/') ? 404 : 403,
      ]);
      expect([id, (await call(mockCredentials.none.header())).status]).toEqual([
        id,
        401,
      ]);
    }
  });

  it('lists pipelines and the configured management clusters', async () => {
    const server = await start();
    const res = await request(server).get('/api/pipelines/v1/pipelines');
    expect(res.status).toBe(200);
    // Nothing listens there: the cache reports the cluster as not connected, and why.
    expect(res.body).toEqual({
      items: [],
      clusters: [
        {
          name: 'management',
          connected: false,
          error: expect.stringMatching(
            /ECONNREFUSED 127\.0\.0\.1:1|connecting/,
          ),
        },
      ],
      defaultCluster: 'management',
    });
  });

  it('refuses unauthenticated calls', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/pipelines/v1/pipelines')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('answers 403 when the permission is denied', async () => {
    const server = await start(AuthorizeResult.DENY);
    const list = await request(server).get('/api/pipelines/v1/pipelines');
    expect(list.status).toBe(403);
    expect(list.body.error.name).toBe('NotAllowedError');
    const entity = await request(server).get(
      '/api/pipelines/v1/entity/component/default/podinfo/pipelines',
    );
    expect(entity.status).toBe(403);
  });

  it('resolves the pipelines linked to an entity', async () => {
    const server = await start();
    const res = await request(server).get(
      '/api/pipelines/v1/entity/component/default/podinfo/pipelines',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      entityRef: 'component:default/podinfo',
      annotationErrors: ['"bad ref": expected namespace/name'],
      items: [
        {
          ref: {
            cluster: 'management',
            namespace: 'flux-system',
            name: 'podinfo-02',
          },
          state: 'no-cluster-data',
          message: expect.stringMatching(
            /^No data from management cluster "management" yet: /,
          ),
        },
      ],
    });
  });

  it('answers 404 in Backstage error shape for unknown entities and pipelines', async () => {
    const server = await start();
    const entity = await request(server).get(
      '/api/pipelines/v1/entity/component/default/nope/pipelines',
    );
    expect(entity.status).toBe(404);
    expect(entity.body.error).toMatchObject({
      name: 'NotFoundError',
      message: 'Entity component:default/nope not found',
    });
    const pipeline = await request(server).get(
      '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02',
    );
    expect(pipeline.status).toBe(404);
    expect(pipeline.body.error.message).toBe(
      'Pipeline flux-system/podinfo-02 not found on management cluster "management"',
    );
  });

  it('serves the promotion history from the ledger and validates paging', async () => {
    const server = await start();
    const res = await request(server).get(
      '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02/promotions?limit=5',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [],
      totalCount: 0,
      offset: 0,
      limit: 5,
      active: [],
      holds: [],
      blocks: [],
      gates: {},
    });
    const bad = await request(server).get(
      '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02/promotions?limit=1000',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.name).toBe('InputError');
  });
});

describe('pipelinesPlugin start-up', () => {
  /** Another plugin of the same backend whose init fails (its migrations, say). */
  const brokenPlugin = createBackendPlugin({
    pluginId: 'broken',
    register(env) {
      env.registerInit({
        deps: {},
        async init() {
          throw new Error('migrations of broken failed');
        },
      });
    },
  });

  const spies: Array<{ mockRestore(): void }> = [];
  afterEach(() => {
    for (const spy of spies.splice(0)) spy.mockRestore();
  });

  async function startWith(
    extra: Parameters<typeof startTestBackend>[0]['features'] = [],
  ) {
    const scheduler = mockServices.scheduler.mock();
    const events = mockServices.events.mock();
    // The watch of the management clusters: not started for real here.
    const watchStart = jest
      .spyOn(PipelineCache.prototype, 'start')
      .mockImplementation(async () => {});
    const storeCreate = jest.spyOn(DatabasePromotionStore, 'create');
    spies.push(watchStart, storeCreate);
    const started = startTestBackend({
      features: [
        pipelinesPlugin,
        scheduler.factory,
        events.factory,
        mockServices.rootConfig.factory({ data: config }),
        catalogServiceMock.factory({ entities: [podinfo] }),
        ...extra,
      ],
    });
    return { started, scheduler, events, watchStart, storeCreate };
  }

  it('schedules no task and subscribes to no change when another plugin fails to start (only the read-only watch started)', async () => {
    const { started, scheduler, events, watchStart, storeCreate } =
      await startWith([brokenPlugin]);

    await expect(started).rejects.toThrow(
      /Plugin 'broken' startup failed; caused by Error: migrations of broken failed/,
    );
    // The pipelines plugin itself initialised fine: only the other plugin failed.
    await expect(started).rejects.not.toThrow(/Plugin 'pipelines'/);
    expect(storeCreate).toHaveBeenCalledTimes(1);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(scheduler.scheduleTask).not.toHaveBeenCalled();
    // The watch cache only reads: it starts at init, to be warm when the backend answers.
    expect(watchStart).toHaveBeenCalledTimes(1);
    expect(events.subscribe).not.toHaveBeenCalled();
    expect(events.publish).not.toHaveBeenCalled();
  });

  it('schedules the status writer and the promotion runner, starts the watch and subscribes once the backend has started', async () => {
    const { started, scheduler, events, watchStart } = await startWith();

    await expect(started).resolves.toBeDefined();
    expect(scheduler.scheduleTask).toHaveBeenCalledTimes(2);
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'pipelines:status-writer',
        scope: 'global',
      }),
    );
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'pipelines:promotion-runner',
        scope: 'local',
      }),
    );
    expect(watchStart).toHaveBeenCalledTimes(1);
    expect(events.subscribe).toHaveBeenCalledWith(
      expect.objectContaining({ topics: [PROMOTION_CHANGED_TOPIC] }),
    );
  });
});
