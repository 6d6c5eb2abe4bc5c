import {
  apply,
  helmRelease,
  Sandbox,
  waitUntil as until,
} from '@gitops-pipelines/sandbox';
import { KubernetesObject } from '@kubernetes/client-node';
import request from 'supertest';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(150_000);

/**
 * Issue 16 §3 on the sandbox, through the REST API: the preview of a pull-request promotion
 * is the marker edit dry-run on the clone of the forge's repository (files and lines), of a
 * notification promotion the Flux event; nothing is pushed, opened or sent.
 */
describe('promotion preview on the sandbox', () => {
  let sandbox: Sandbox;
  let server: any;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ fluxDelayMs: 100 });
    for (const env of ['a', 'b']) {
      await apply(sandbox.clusters.prod.admin, [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: `preview-${env}` },
        },
        helmRelease(`preview-${env}`, '1.0.0'),
      ]);
    }
    await apply(sandbox.clusters.management.admin, [
      {
        apiVersion: 'pipelines.weave.works/v1alpha1',
        kind: 'Pipeline',
        metadata: { name: 'preview-notify', namespace: 'flux-system' },
        spec: {
          appRef: {
            apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
            kind: 'HelmRelease',
            name: 'podinfo',
          },
          environments: ['a', 'b'].map(name => ({
            name,
            targets: [
              {
                namespace: `preview-${name}`,
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
      } as KubernetesObject,
    ]);
    server = await startSandboxBackend(sandbox);
    await until(
      async () =>
        (
          await request(server).get('/api/pipelines/v1/pipelines')
        ).body.items?.length >= 2
          ? true
          : undefined,
      'pipelines in cache',
      60_000,
    );
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('shows the files and lines a pull request would change, and opens nothing', async () => {
    const pulls = sandbox.forge!.listPulls('my-org', 'my-app-repo').length;
    // 503 until the watch cache holds the strategy's Secret (the backend is warming up): then 200.
    const res = await until(async () => {
      const r = await request(server)
        .post(
          '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02/promotions/preview',
        )
        .send({ environment: 'test', version: '6.3.0' });
      return r.status === 503 ? undefined : r;
    }, 'preview answered');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      strategy: 'pull-request',
      repository: expect.stringMatching(/\/my-org\/my-app-repo$/),
      baseBranch: 'main',
      branch: 'promotion-flux-system-podinfo-02-test',
      title: 'Promote flux-system/podinfo-02 in test to 6.3.0',
      found: 2,
      changed: 2,
    });
    expect(res.body.files.map((f: any) => f.path)).toEqual([
      'clusters/dev/podinfo-02-perf/podinfo.yaml',
      'clusters/dev/podinfo-02-qa/podinfo.yaml',
    ]);
    expect(res.body.files[0].hunks).toEqual([
      {
        oldStart: 11,
        oldLines: 3,
        newStart: 11,
        newLines: 3,
        lines: [
          '       chart: podinfo',
          '-      version: 6.0.1 # {"$promotion": "flux-system:podinfo-02:test"}',
          '+      version: 6.3.0 # {"$promotion": "flux-system:podinfo-02:test"}',
          '       sourceRef:',
        ],
      },
    ]);
    expect(sandbox.forge!.listPulls('my-org', 'my-app-repo')).toHaveLength(
      pulls,
    );
    const same = await request(server)
      .post(
        '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02/promotions/preview',
      )
      .send({ environment: 'test', version: '6.0.1' });
    expect(same.body).toMatchObject({ found: 2, changed: 0, files: [] });
  });

  it('refuses to preview a version off the pattern, as a request would', async () => {
    // 503 while the cache warms up, then the answer
    const previewOf = (version: string) =>
      until(async () => {
        const r = await request(server)
          .post(
            '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02/promotions/preview',
          )
          .send({ environment: 'test', version });
        return r.status === 503 ? undefined : r;
      }, 'preview answered');
    const hostile = ['6.3.0\u200b', '６.３.０', '6.3.0\n', 'banana; rm -rf'];
    const answers = [];
    for (const version of hostile) answers.push(await previewOf(version));
    expect(answers.map(r => r.status)).toEqual(hostile.map(() => 400));
    for (const r of answers) expect(r.body.error.message).toMatch(/version/i);
  });

  it('shows the Flux event a notification promotion would send', async () => {
    const res = await request(server)
      .post(
        '/api/pipelines/v1/pipelines/management/flux-system/preview-notify/promotions/preview',
      )
      .send({ environment: 'b', version: '1.1.0' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      strategy: 'notification',
      event: {
        involvedObject: {
          kind: 'Pipeline',
          name: 'preview-notify',
          namespace: 'flux-system',
        },
        reason: 'Promote',
        message: 'Promote version 1.1.0 to environment b',
        metadata: {
          'pipelines.weave.works/environment': 'b',
          'pipelines.weave.works/version': '1.1.0',
          'pipelines.weave.works/promotion-id': '(assigned when requested)',
        },
      },
    });
    const first = await request(server)
      .post(
        '/api/pipelines/v1/pipelines/management/flux-system/preview-notify/promotions/preview',
      )
      .send({ environment: 'a', version: '1.1.0' });
    expect(first.status).toBe(400);
  });
});
