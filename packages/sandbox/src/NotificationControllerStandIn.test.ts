import { createHmac } from 'crypto';
import http from 'http';
import { apply } from './kube';
import {
  cleanupMetadata,
  NotificationControllerStandIn,
} from './NotificationControllerStandIn';
import { Sandbox } from './Sandbox';
import { waitUntil } from './waitUntil';

jest.setTimeout(120_000);

describe('NotificationControllerStandIn', () => {
  let sandbox: Sandbox;
  let nc: NotificationControllerStandIn;
  let receiver: http.Server;
  const received: Array<{ path: string; signature?: string; raw: string }> = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          signature: req.headers['x-signature'] as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>(resolve =>
      receiver.listen(0, '127.0.0.1', resolve),
    );
    const address = `http://127.0.0.1:${(receiver.address() as any).port}`;
    sandbox = await Sandbox.start({ seed: false, fluxDelayMs: 100 });
    const ns = 'flux-system';
    await apply(sandbox.clusters.management.admin, [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'webhook-hmac', namespace: ns },
        stringData: { token: 'the-key', address: `${address}/hmac` },
      },
      {
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Provider',
        metadata: { name: 'signed', namespace: ns },
        spec: { type: 'generic-hmac', secretRef: { name: 'webhook-hmac' } },
      },
      {
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Provider',
        metadata: { name: 'plain', namespace: ns },
        spec: { type: 'generic', address: `${address}/plain` },
      },
      {
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Alert',
        metadata: { name: 'releases', namespace: ns },
        spec: {
          providerRef: { name: 'signed' },
          eventSeverity: 'info',
          eventSources: [
            { kind: 'HelmRelease', name: 'podinfo', namespace: 'podinfo-dev' },
          ],
          exclusionList: ['^skip'],
        },
      },
      {
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Alert',
        metadata: { name: 'errors', namespace: ns },
        spec: {
          providerRef: { name: 'plain' },
          eventSeverity: 'error',
          eventSources: [
            { kind: 'HelmRelease', name: '*', namespace: 'podinfo-dev' },
          ],
        },
      },
    ] as any);
    nc = new NotificationControllerStandIn(sandbox.clusters.management.admin);
    await nc.start();
  });
  afterAll(async () => {
    await nc?.stop();
    receiver?.close();
    await sandbox?.stop();
  });

  const post = (event: object) =>
    fetch(nc.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(event),
    });
  const helmEvent = (over: object = {}) => ({
    involvedObject: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      name: 'podinfo',
      namespace: 'podinfo-dev',
    },
    severity: 'info',
    timestamp: '2026-11-30T10:00:00Z',
    message:
      'Helm upgrade succeeded for release podinfo-dev/podinfo.v2 with chart podinfo@6.1.0',
    reason: 'UpgradeSucceeded',
    metadata: {
      'helm.toolkit.fluxcd.io/revision': '6.1.0',
      'helm.toolkit.fluxcd.io/checksum': 'abc',
      'other.io/x': 'y',
    },
    reportingController: 'helm-controller',
    ...over,
  });

  it('keeps only the metadata of the involved object group, without the prefix', () => {
    expect(cleanupMetadata(helmEvent() as any)).toEqual({ revision: '6.1.0' });
  });

  it('forwards a matching event to a generic-hmac provider, signed with the Secret token', async () => {
    expect((await post(helmEvent())).status).toBe(202);
    const got = await waitUntil(
      () => received.find(r => r.path === '/hmac'),
      'forwarded',
    );
    expect(got.signature).toBe(
      `sha256=${createHmac('sha256', 'the-key').update(got.raw).digest('hex')}`,
    );
    expect(JSON.parse(got.raw)).toMatchObject({
      reason: 'UpgradeSucceeded',
      metadata: { revision: '6.1.0' },
    });
    expect(received.filter(r => r.path === '/plain')).toHaveLength(0);
  });

  it('forwards error events to the error alert too, and drops excluded, unmatched and malformed ones', async () => {
    received.length = 0;
    await post(
      helmEvent({
        severity: 'error',
        reason: 'UpgradeFailed',
        message: 'Helm upgrade failed',
      }),
    );
    await waitUntil(
      () => (received.length === 2 ? true : undefined),
      'both alerts',
    );
    expect(received.map(r => r.path).sort()).toEqual(['/hmac', '/plain']);
    received.length = 0;
    await post(helmEvent({ message: 'skip this one' }));
    await post(
      helmEvent({
        involvedObject: {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          name: 'podinfo',
          namespace: 'podinfo-dev',
        },
      }),
    );
    expect((await fetch(nc.url, { method: 'POST', body: '{' })).status).toBe(
      400,
    );
    await new Promise(r => setTimeout(r, 500));
    expect(received).toEqual([]);
  });
});
