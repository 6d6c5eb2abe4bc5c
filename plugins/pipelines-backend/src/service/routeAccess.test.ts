import { mockCredentials } from '@backstage/backend-test-utils';
import {
  apply,
  Sandbox,
  seedPipeline,
  waitUntil as until,
} from '@gitops-pipelines/sandbox';
import http from 'http';
import type { AddressInfo } from 'net';
import request from 'supertest';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';
import { spec } from '../schema/openapi.generated';
import { ownershipPermissions } from './__testUtils__/ownershipPermissions';

jest.setTimeout(300_000);

const OWNER = 'user:default/reviewer';
const SECOND_OWNER = 'user:default/approver';
const OTHER = 'user:default/bob';
const CLAIMER = 'user:default/mallory';
const owners = {
  'component:default/podinfo-gated': 'group:default/podinfo-owners',
  'component:default/podinfo': 'group:default/guests',
  'component:default/other-app': OTHER,
  'component:default/impostor': CLAIMER,
};
const claims = {
  [OWNER]: [OWNER, 'group:default/podinfo-owners'],
  [SECOND_OWNER]: [SECOND_OWNER, 'group:default/podinfo-owners'],
};
const component = (name: string, owner: string, pipeline?: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    ...(pipeline
      ? { annotations: { 'pipelines.weave.works/pipeline': pipeline } }
      : {}),
  },
  spec: { type: 'service', lifecycle: 'production', owner },
});
const entities = [
  component('podinfo-gated', 'podinfo-owners', 'flux-system/podinfo-gated'),
  component('other-app', OTHER),
  // Claims the pipeline in its own annotation: links it for display, grants nothing.
  component('impostor', CLAIMER, 'flux-system/podinfo-gated'),
];

/** A valid body per mutating operation, so that what refuses is the permission check. */
const bodies: Record<string, object | undefined> = {
  CreatePromotion: { environment: 'test', version: '1.0.0' },
  Rollback: { environment: 'test', version: '1.0.0' },
  ApprovePromotion: {},
  RejectPromotion: {},
  RetryPromotion: {},
  CancelPromotion: { reason: 'not now' },
  OverrideFreeze: { reason: 'incident fix' },
  PreviewPromotion: { environment: 'prod', version: '9.9.1' },
  ReleaseHold: undefined,
  BlockVersion: { version: '1.0.0', reason: 'bad' },
  UnblockVersion: undefined,
};
const pipelinePath =
  '/api/pipelines/v1/pipelines/management/flux-system/podinfo-gated';
const auth = {
  anonymous: mockCredentials.none.header(),
  other: mockCredentials.user.header(OTHER),
  claimer: mockCredentials.user.header(CLAIMER),
  service: mockCredentials.service.header(),
  owner: mockCredentials.user.header(OWNER),
};

/** Every route of the document but the compatibility webhooks, with its URL for promotion `id`. */
function operations(id: string) {
  return Object.entries(spec.paths).flatMap(([path, item]) => {
    if (path.startsWith('/promotion/') || path.startsWith('/approval/'))
      return [];
    const entity = path.startsWith('/v1/entity/');
    const values: Record<string, string> = {
      kind: 'component',
      cluster: 'management',
      namespace: entity ? 'default' : 'flux-system',
      name: 'podinfo-gated',
      environment: 'prod',
      version: '1.0.0',
      id,
    };
    return Object.entries(item as Record<string, { operationId: string }>).map(
      ([method, op]) => ({
        method,
        id: op.operationId,
        url: `/api/pipelines${path.replace(/\{(\w+)\}/g, (_, k) => values[k])}`,
      }),
    );
  });
}

/** Opens the SSE stream, collects what arrives for `ms`, and closes it. */
function listen(server: http.Server, header: string, ms: number) {
  const { port } = server.address() as AddressInfo;
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.get(
      `http://127.0.0.1:${port}/api/pipelines/v1/events`,
      { headers: { Authorization: header } },
      res => {
        let body = '';
        res.on('data', c => (body += c));
        setTimeout(() => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        }, ms);
      },
    );
    req.on('error', e =>
      e.message.includes('aborted') ? undefined : reject(e),
    );
  });
}

describe('every route decides on the pipeline’s own entity', () => {
  let sandbox: Sandbox;
  let server: http.Server;
  const decisions = ownershipPermissions({ owners, claims });
  const call = (method: string, url: string, header: string, body?: object) =>
    (request(server) as any)
      [method](url)
      .set('Authorization', header)
      .send(body);
  const request_ = (version: string, by = SECOND_OWNER) =>
    call(
      'post',
      `${pipelinePath}/promotions`,
      mockCredentials.user.header(by),
      {
        environment: 'prod',
        version,
      },
    );
  /** What the ledger holds about the pipeline, as a reader of every pipeline sees it. */
  const ledger = async (id: string) => ({
    list: (await call('get', `${pipelinePath}/promotions`, auth.service)).body,
    events: (
      await call('get', `/api/pipelines/v1/promotions/${id}`, auth.service)
    ).body.events,
  });

  beforeAll(async () => {
    sandbox = await Sandbox.start({ flux: false });
    // A Pipeline that names no entity: only an unconditional permission reads it.
    const orphan = seedPipeline() as any;
    orphan.metadata.name = 'orphan';
    delete orphan.metadata.annotations;
    await apply(sandbox.clusters.management.admin, [orphan]);
    server = await startSandboxBackend(sandbox, {
      entities,
      features: [decisions.service.factory],
    });
    await until(
      async () =>
        (
          await call('get', pipelinePath, auth.owner)
        ).body.environments?.length
          ? true
          : undefined,
      'pipeline in cache',
    );
  });
  afterAll(() => sandbox?.stop());

  it('refuses every route to anonymous callers, other teams, entities that claim the pipeline and services, and records nothing', async () => {
    const waiting = await request_('9.9.1');
    expect(waiting.status).toBe(201);
    const before = await ledger(waiting.body.id);
    const ops = operations(waiting.body.id);
    // A new mutating operation must be added to `bodies`.
    expect(
      ops
        .filter(o => o.method !== 'get')
        .map(o => o.id)
        .sort(),
    ).toEqual(Object.keys(bodies).sort());
    for (const { method, url, id } of ops) {
      if (id === 'StreamEvents') continue; // below, with what it sends
      const reads = method === 'get';
      for (const who of ['anonymous', 'other', 'claimer', 'service'] as const) {
        const res = await call(method, url, auth[who], bodies[id]);
        let expected = 403;
        if (who === 'anonymous') expected = 401;
        else if (
          reads &&
          (who === 'service' ||
            id.startsWith('ListPipelines') ||
            url.includes('/v1/entity/'))
        )
          expected = 200;
        expect([id, who, res.status]).toEqual([id, who, expected]);
        // A refusal names neither the owners nor the entity.
        const refusal = res.status === 403 ? res.body.error.message : '';
        expect([id, refusal]).not.toEqual([
          id,
          expect.stringMatching(/podinfo-owners|component:default/),
        ]);
        // What another team reads tells nothing of the pipeline: no version, no requester.
        const read =
          who !== 'service' && res.status === 200
            ? JSON.stringify(res.body)
            : '';
        expect([id, read]).not.toEqual([
          id,
          expect.stringMatching(
            /9\.9\.1|user:default\/approver|"environments":\[\{/,
          ),
        ]);
      }
    }
    expect(await ledger(waiting.body.id)).toEqual(before);
    // The owner passes every check (what is left is the route's own answer).
    for (const { method, url, id } of ops) {
      if (id === 'StreamEvents') continue;
      const res = await call(method, url, auth.owner, bodies[id]);
      expect([id, [401, 403].includes(res.status)]).toEqual([id, false]);
      expect([id, res.status < 500 || res.status === 503]).toEqual([id, true]);
    }
  });

  it('lists, for each caller, only the pipelines of entities they own; a pipeline without an entity only to an unconditional ALLOW', async () => {
    const names = async (header: string) =>
      (await call('get', '/api/pipelines/v1/pipelines', header)).body.items
        .map((p: any) => p.name)
        .sort();
    expect(await names(auth.owner)).toEqual(['podinfo-gated']);
    expect(await names(auth.other)).toEqual([]);
    expect(await names(auth.claimer)).toEqual([]);
    expect(await names(auth.service)).toEqual([
      'orphan',
      'podinfo-02',
      'podinfo-gated',
    ]);
    const detail = await call('get', pipelinePath, auth.owner);
    expect(detail.body).toMatchObject({
      entityRef: 'component:default/podinfo-gated',
      uid: expect.any(String),
      permissions: { create: true, approve: true, override: true, block: true },
    });
    // Services read, and may change nothing unless pipelines.permissions.serviceMutations names them.
    expect(
      (await call('get', pipelinePath, auth.service)).body.permissions,
    ).toEqual({
      create: false,
      approve: false,
      override: false,
      block: false,
    });
    const orphan = await call(
      'get',
      '/api/pipelines/v1/pipelines/management/flux-system/orphan',
      auth.owner,
    );
    expect(orphan.status).toBe(403);
    expect(orphan.body.error.message).toBe(
      'Not allowed to read pipeline flux-system/orphan on management cluster "management"',
    );
  });

  it('answers the claiming entity’s view with the pipeline not shown, and the owner’s with it', async () => {
    const claimed = await call(
      'get',
      '/api/pipelines/v1/entity/component/default/impostor/pipelines',
      auth.claimer,
    );
    expect(claimed.status).toBe(200);
    expect(claimed.body.items).toEqual([
      {
        ref: {
          cluster: 'management',
          namespace: 'flux-system',
          name: 'podinfo-gated',
        },
        state: 'not-found',
        message: expect.stringContaining('you may not read it'),
      },
    ]);
    const own = await call(
      'get',
      '/api/pipelines/v1/entity/component/default/podinfo-gated/pipelines',
      auth.owner,
    );
    expect(own.body.items[0]).toMatchObject({
      state: 'found',
      pipeline: { name: 'podinfo-gated', permissions: { approve: true } },
    });
    // The owner reading from the impostor's page sees it too: the decision is the pipeline's.
    const viaClaim = await call(
      'get',
      '/api/pipelines/v1/entity/component/default/impostor/pipelines',
      auth.owner,
    );
    expect(viaClaim.body.items[0].state).toBe('found');
  });

  it('streams only the events of pipelines the caller may read', async () => {
    const [owner, other] = await Promise.all([
      listen(server, auth.owner, 3_000),
      listen(server, auth.other, 3_000),
      new Promise(r => setTimeout(r, 500)).then(() => request_('9.9.2')),
    ]);
    expect([owner.status, other.status]).toEqual([200, 200]);
    expect(owner.body).toMatch(
      /event: promotion-changed\ndata: \{"cluster":"management","namespace":"flux-system","name":"podinfo-gated"/,
    );
    expect(other.body).not.toMatch(/podinfo-gated/);
  });

  it('refuses entityRef in a request, as stale clients send it, with 400', async () => {
    const res = await call('post', `${pipelinePath}/promotions`, auth.owner, {
      environment: 'prod',
      version: '9.9.3',
      entityRef: 'component:default/impostor',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/entityRef|entityref/i);
  });

  it('lets requesters cancel their own promotion, and someone else’s only with the approve permission and a reason', async () => {
    const theirs = await request_('9.9.4');
    expect(theirs.status).toBe(201);
    const cancel = (id: string, header: string, body: object) =>
      call('post', `/api/pipelines/v1/promotions/${id}/cancel`, header, body);
    expect(
      (await cancel(theirs.body.id, auth.other, { reason: 'x' })).status,
    ).toBe(403);
    const noReason = await cancel(theirs.body.id, auth.owner, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toBe(
      `Promotion ${theirs.body.id} was requested by ${SECOND_OWNER}: say why you cancel it (reason)`,
    );
    const cancelled = await cancel(theirs.body.id, auth.owner, {
      reason: 'freeze for the audit',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe('cancelled');
    const events = (
      await call(
        'get',
        `/api/pipelines/v1/promotions/${theirs.body.id}`,
        auth.owner,
      )
    ).body.events;
    expect(events.at(-1)).toMatchObject({
      actor: OWNER,
      message: `Cancelled by ${OWNER}: freeze for the audit`,
    });
    // The requester cancels their own without a reason, whatever case their ref comes in.
    const mine = await request_('9.9.5');
    const own = await cancel(
      mine.body.id,
      mockCredentials.user.header('user:default/Approver'),
      {},
    );
    expect(own.status).toBe(200);
  });
});
