import { mockCredentials } from '@backstage/backend-test-utils';
import {
  apply,
  helmRelease,
  Sandbox,
  waitUntil as until,
} from '@gitops-pipelines/sandbox';
import type { PromotionDetail } from '@gitops-pipelines/plugin-pipelines-common';
import { KubernetesObject } from '@kubernetes/client-node';
import request from 'supertest';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(180_000);

const base = '/api/pipelines/v1/pipelines/management/flux-system/freeze-demo';
const alice = mockCredentials.user.header('user:default/alice');
/** `YYYY-MM-DD HH:MM` in UTC. */
const minute = (t: number) =>
  new Date(t).toISOString().slice(0, 16).replace('T', ' ');

/**
 * Issue 16 §4 on the sandbox, through the REST API and the real runner: `b` is frozen by a
 * one-off window that ends at the next full minute, `c` all day. A promotion into `b` waits
 * `queued` with "frozen until …" and proceeds once the window has ended; one into `c` proceeds
 * only when a user breaks the glass, with a reason that its log and the audit keep.
 */
describe('freeze windows on the sandbox', () => {
  let sandbox: Sandbox;
  let server: any;
  // The window of b ends at the next full minute at least 45 s after the sandbox is up: time
  // for the backend to start and the request to be held, on a loaded machine too.
  let ends: number;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ fluxDelayMs: 200 });
    for (const env of ['a', 'b', 'c']) {
      await apply(sandbox.clusters.prod.admin, [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: `freeze-${env}` },
        },
        helmRelease(`freeze-${env}`, '3.0.0'),
      ]);
    }
    ends = Math.ceil((Date.now() + 45_000) / 60_000) * 60_000;
    const pipeline = {
      apiVersion: 'pipelines.weave.works/v1alpha1',
      kind: 'Pipeline',
      metadata: {
        name: 'freeze-demo',
        namespace: 'flux-system',
        annotations: {
          'pipelines.weave.works/freeze': `b=${minute(
            ends - 3_600_000,
          )}-${minute(ends)} UTC, c=00:00-00:00`,
        },
      },
      spec: {
        appRef: {
          apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
          kind: 'HelmRelease',
          name: 'podinfo',
        },
        environments: ['a', 'b', 'c'].map(name => ({
          name,
          targets: [
            {
              namespace: `freeze-${name}`,
              clusterRef: {
                kind: 'GitopsCluster',
                name: 'prod',
                namespace: 'flux-system',
              },
            },
          ],
        })),
        promotion: { strategy: { notification: {} } },
      },
    } as KubernetesObject;
    await apply(sandbox.clusters.management.admin, [pipeline]);
    server = await startSandboxBackend(sandbox, {
      pipelines: {
        notificationController: {
          url: sandbox.notificationControllers.management.url,
        },
      },
    });
    await until(
      async () =>
        (await request(server).get(base)).body.environments?.length === 3
          ? true
          : undefined,
      'pipeline in cache',
      60_000,
    );
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  const detail = async (id: string): Promise<PromotionDetail> =>
    (await request(server).get(`/api/pipelines/v1/promotions/${id}`)).body;
  const request_ = (environment: string) =>
    request(server)
      .post(`${base}/promotions`)
      .set('Authorization', alice)
      .send({ environment, version: '3.1.0' });

  it('holds a promotion queued with "frozen until …" and lets it proceed when the window ends', async () => {
    const { body } = await request_('b');
    const frozen = await until(
      async () =>
        (await detail(body.id)).events.find(e => e.type === 'frozen')
          ? detail(body.id)
          : undefined,
      'frozen event',
    );
    expect(frozen.state).toBe('queued');
    expect(frozen.events.find(e => e.type === 'frozen')!.message).toBe(
      `"b" is frozen (${minute(ends - 3_600_000)}-${minute(
        ends,
      )} UTC) until ${new Date(ends).toISOString()}: waiting`,
    );
    const started = await until(
      async () => {
        const d = await detail(body.id);
        return d.state !== 'queued' ? d : undefined;
      },
      'leaves queued',
      120_000,
    );
    expect(
      Date.parse(started.events.find(e => e.type === 'started')!.at),
    ).toBeGreaterThanOrEqual(ends);
  });

  it('lets a user break the glass with a reason, kept in the log', async () => {
    const { body } = await request_('c');
    await until(
      async () =>
        (await detail(body.id)).events.some(e => e.type === 'frozen')
          ? true
          : undefined,
      'frozen event',
    );
    const overridden = await request(server)
      .post(`/api/pipelines/v1/promotions/${body.id}/override`)
      .set('Authorization', alice)
      .send({ reason: 'hotfix for INC-42' });
    expect(overridden.status).toBe(200);
    const started = await until(async () => {
      const d = await detail(body.id);
      return d.state !== 'queued' ? d : undefined;
    }, 'leaves queued');
    expect(
      started.events.find(e => e.type === 'freeze-overridden'),
    ).toMatchObject({
      actor: 'user:default/alice',
      message: expect.stringMatching(
        /^Freeze of "c" \(00:00-00:00, until .*\) overridden by user:default\/alice: hotfix for INC-42$/,
      ),
    });
    const again = await request(server)
      .post(`/api/pipelines/v1/promotions/${body.id}/override`)
      .set('Authorization', alice)
      .send({ reason: 'x' });
    expect(again.status).toBe(409);
  });
});
