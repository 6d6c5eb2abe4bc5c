import { CoreV1Api } from '@kubernetes/client-node';
import { createHmac } from 'crypto';
import http from 'http';
import { Demo, DEMO_RELEASE } from './demo';
import { Sandbox } from './Sandbox';
import { waitUntil } from './waitUntil';

jest.setTimeout(120_000);

describe('the demo of npm start', () => {
  let sandbox: Sandbox;
  let demo: Demo;
  let backend: http.Server;
  const received: Array<{ path: string; signature?: string; raw: string }> = [];

  beforeAll(async () => {
    // Where the backend would listen: a receiver that records what notification-controller sends it.
    backend = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          signature: req.headers['x-signature'] as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(201).end();
      });
    });
    await new Promise<void>(resolve => backend.listen(0, '127.0.0.1', resolve));
    sandbox = await Sandbox.start({ fluxDelayMs: 100 });
    demo = await Demo.install(sandbox, {
      backendUrl: `http://127.0.0.1:${(backend.address() as any).port}`,
    });
  });

  afterAll(async () => {
    await demo?.stop();
    await sandbox?.stop();
    await new Promise(resolve => backend?.close(resolve));
  });

  it("sends dev's helm-controller event, signed with the Pipeline's hmac-key, to dev's promotion webhook after a release", async () => {
    await demo.release(DEMO_RELEASE);
    const event = await waitUntil(
      () =>
        received.find(
          r =>
            r.raw.includes(`"revision":"${DEMO_RELEASE}"`) &&
            r.raw.includes('UpgradeSucceeded'),
        ),
      'the release event at the webhook',
    );
    expect(event.path).toBe(
      '/api/pipelines/promotion/flux-system/podinfo-02/dev',
    );
    const secret = await sandbox.clusters.management.admin
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({
        namespace: 'flux-system',
        name: 'promotion-hmac',
      });
    const key = Buffer.from(secret.data!['hmac-key'], 'base64').toString(
      'utf8',
    );
    expect(event.signature).toBe(
      `sha256=${createHmac('sha256', key).update(event.raw).digest('hex')}`,
    );
    expect(JSON.parse(event.raw)).toMatchObject({
      involvedObject: {
        kind: 'HelmRelease',
        name: 'podinfo',
        namespace: 'podinfo-02-dev',
      },
      severity: 'info',
      reason: 'UpgradeSucceeded',
      metadata: { revision: DEMO_RELEASE },
    });
    // Nothing from the other environments: test and prod did not change.
    expect(received.filter(r => !r.path.endsWith('/dev'))).toEqual([]);
  });
});
