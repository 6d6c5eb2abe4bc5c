import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import { Sandbox, waitUntil as until } from '@gitops-pipelines/sandbox';
import request from 'supertest';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(180_000);

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'pipelines.weave.works/pipeline': 'flux-system/podinfo-gated',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner },
  relations: [{ type: 'ownedBy', targetRef: owner }],
});

const entities: Entity[] = [
  // Claims podinfo-gated in its own annotation: hears nothing of its promotions.
  component('impostor', 'user:default/mallory'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      // The entity the Pipeline names (pipelines.weave.works/entity).
      name: 'podinfo-gated',
      namespace: 'default',
      annotations: {
        'pipelines.weave.works/pipeline': 'flux-system/podinfo-gated',
      },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/team-a',
    },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a', namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: [
      { type: 'hasMember', targetRef: 'user:default/alice' },
      { type: 'hasMember', targetRef: 'user:default/bob' },
    ],
  },
];

/**
 * Promotion notifications through Backstage's real notifications backend: who gets which,
 * read back through its REST API as each user would see them on the Notifications page.
 */
describe('promotion notifications', () => {
  let sandbox: Sandbox;
  let server: any;
  const base =
    '/api/pipelines/v1/pipelines/management/flux-system/podinfo-gated';
  const as = (user: string) => ({
    Authorization: mockCredentials.user.header(`user:default/${user}`),
  });
  const inbox = async (user: string) =>
    (
      await request(server)
        .get('/api/notifications/notifications')
        .set(as(user))
    ).body.notifications as any[];

  beforeAll(async () => {
    sandbox = await Sandbox.start({ flux: false });
    server = await startSandboxBackend(sandbox, {
      entities,
      features: [notificationsPlugin],
      config: { app: { baseUrl: 'http://localhost:3000' } },
    });
    await until(
      async () =>
        (await request(server).get(base)).body.environments ? true : undefined,
      'pipeline in cache',
    );
  });
  afterAll(() => sandbox?.stop());

  it("tells the owners of the pipeline's own entity, not the requester nor an entity claiming it, that a promotion waits for their approval, with a link to the tab", async () => {
    const created = await request(server)
      .post(`${base}/promotions`)
      .set(as('alice'))
      .send({ environment: 'prod', version: '6.0.1' });
    expect(created.body.state).toBe('waiting-approval');
    const [notification] = await until(async () => {
      const list = await inbox('bob');
      return list.length ? list : undefined;
    }, "bob's notification");
    expect(notification.payload).toMatchObject({
      title: 'Approval needed: 6.0.1 into prod (flux-system/podinfo-gated)',
      link: '/catalog/default/component/podinfo-gated/pipelines',
      severity: 'high',
      scope: `pipelines:promotion:${created.body.id}`,
    });
    expect(notification.payload.description).toContain(
      'user:default/alice asks to promote 6.0.1 into prod',
    );
    expect(await inbox('alice')).toEqual([]);
    expect(await inbox('mallory')).toEqual([]);
  });
});
