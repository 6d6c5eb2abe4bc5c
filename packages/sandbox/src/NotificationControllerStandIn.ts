import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { createHmac } from 'crypto';
import http from 'http';
import { readJsonBody } from './readJsonBody';

/** A Flux event as the toolkit's controllers send it (fluxcd/pkg `apis/event/v1beta1`). */
export interface FluxEvent {
  involvedObject: {
    apiVersion?: string;
    kind: string;
    name: string;
    namespace: string;
  };
  severity: 'info' | 'error';
  timestamp?: string;
  message: string;
  reason: string;
  metadata?: Record<string, string>;
  reportingController?: string;
}

const NOTIFICATION = {
  group: 'notification.toolkit.fluxcd.io',
  version: 'v1beta3',
};

/**
 * notification-controller's metadata rule (`internal/server/event_handlers.go`,
 * `cleanupMetadata`): only keys prefixed with the involved object's API group are kept, without
 * the prefix; the checksum and digest keys are dropped.
 */
export function cleanupMetadata(event: FluxEvent): Record<string, string> {
  const group = (event.involvedObject.apiVersion ?? '')
    .split('/')
    .slice(0, -1)
    .join('/');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.metadata ?? {})) {
    if (
      !key.startsWith(group) ||
      [`${group}/checksum`, `${group}/digest`].includes(key)
    )
      continue;
    out[key.replace(`${group}/`, '')] = value;
  }
  return out;
}

/**
 * A notification-controller stand-in for one cluster, on 127.0.0.1: its event receiver takes
 * Flux events (`POST /`), finds the matching `Alert`s of the cluster (event source kind, name or
 * `*`, namespace defaulting to the Alert's; `eventSeverity`; `exclusionList`; not suspended)
 * and forwards the event to their `Provider`s of type `generic` (JSON body) and
 * `generic-hmac` (plus `X-Signature: sha256=<HMAC of the body with the Secret's token>`),
 * with the address from `spec.address` or the Secret's `address` — as the real one does.
 */
export class NotificationControllerStandIn {
  private server?: http.Server;
  url = '';
  /** What was forwarded, for tests: provider, address, status. */
  readonly forwarded: Array<{
    provider: string;
    address: string;
    status: number;
  }> = [];

  constructor(private readonly kubeConfig: KubeConfig) {}

  async start(port = 0) {
    this.server = http.createServer(async (req, res) => {
      const event = await readJsonBody<FluxEvent>(req, res);
      if (!event) return;
      res.writeHead(202).end();
      this.dispatch(event).catch(e => {
        if (process.env.SANDBOX_DEBUG)
          console.error('[notification-controller] dispatch failed', e);
      });
    });
    await new Promise<void>(resolve =>
      this.server!.listen(port, '127.0.0.1', resolve),
    );
    this.url = `http://127.0.0.1:${(this.server.address() as any).port}/`;
  }

  async stop() {
    await new Promise(resolve => this.server?.close(resolve));
  }

  private async dispatch(input: FluxEvent) {
    const event = { ...input, metadata: cleanupMetadata(input) };
    const custom = this.kubeConfig.makeApiClient(CustomObjectsApi);
    const core = this.kubeConfig.makeApiClient(CoreV1Api);
    const alerts: any = await custom.listClusterCustomObject({
      ...NOTIFICATION,
      plural: 'alerts',
    });
    for (const alert of alerts.items) {
      const spec = alert.spec ?? {};
      if (spec.suspend || !matches(event, alert)) continue;
      const ns = alert.metadata.namespace;
      const provider: any = await custom
        .getNamespacedCustomObject({
          ...NOTIFICATION,
          plural: 'providers',
          namespace: ns,
          name: spec.providerRef?.name,
        })
        .catch(() => undefined);
      if (!provider || provider.spec?.suspend) continue;
      const secret = provider.spec?.secretRef?.name
        ? await core
            .readNamespacedSecret({
              namespace: ns,
              name: provider.spec.secretRef.name,
            })
            .catch(() => undefined)
        : undefined;
      const data = (key: string) =>
        secret?.data?.[key]
          ? Buffer.from(secret.data[key], 'base64').toString('utf8')
          : undefined;
      const address = data('address') ?? provider.spec?.address;
      if (
        !address ||
        !['generic', 'generic-hmac'].includes(provider.spec?.type)
      )
        continue;
      const notification = {
        ...event,
        metadata: {
          ...event.metadata,
          ...(spec.summary ? { summary: spec.summary } : {}),
        },
      };
      const body = JSON.stringify(notification);
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
      };
      if (provider.spec.type === 'generic-hmac') {
        const key = data('token');
        if (!key) continue;
        headers['X-Signature'] = `sha256=${createHmac('sha256', key)
          .update(body)
          .digest('hex')}`;
      }
      const res = await fetch(address, { method: 'POST', headers, body }).catch(
        () => undefined,
      );
      this.forwarded.push({
        provider: `${ns}/${provider.metadata.name}`,
        address,
        status: res?.status ?? 0,
      });
    }
  }
}

/** notification-controller's `eventMatchesAlert`, without label selectors. */
function matches(event: FluxEvent, alert: any): boolean {
  const spec = alert.spec ?? {};
  if (
    (spec.exclusionList ?? []).some((re: string) =>
      new RegExp(re).test(event.message),
    )
  )
    return false;
  const severity = spec.eventSeverity ?? 'info';
  if (!(event.severity === severity || severity === 'info')) return false;
  return (spec.eventSources ?? []).some((source: any) => {
    const namespace = source.namespace || alert.metadata.namespace;
    return (
      event.involvedObject.namespace === namespace &&
      event.involvedObject.kind === source.kind &&
      (source.name === '*' || event.involvedObject.name === source.name)
    );
  });
}
