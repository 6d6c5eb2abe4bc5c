import type { KubeConfig } from '@kubernetes/client-node';
import { PIPELINE_GROUP } from '@gitops-pipelines/plugin-pipelines-common';
import http from 'http';
import https from 'https';
import os from 'os';
import { PromotionError } from './PromotionStrategy';

/**
 * A Flux event as the toolkit's controllers send it to notification-controller's event
 * receiver (fluxcd/pkg `apis/event/v1beta1` Event). Metadata keys carry the involved
 * object's API group as a prefix (`pipelines.weave.works/environment`):
 * notification-controller keeps those, without the prefix, when it forwards the event to a
 * Provider, so a `generic` Provider's receiver gets `metadata.environment` and
 * `metadata.version`.
 */
export interface FluxEvent {
  involvedObject: {
    apiVersion: string;
    kind: string;
    name: string;
    namespace: string;
    uid?: string;
    resourceVersion?: string;
  };
  severity: 'info' | 'error';
  /** RFC 3339. */
  timestamp: string;
  message: string;
  reason: string;
  metadata: Record<string, string>;
  reportingController: string;
  reportingInstance: string;
}

/** The Promote event of a promotion (reason `Promote`, severity info), as pipeline-controller names it. */
export function promoteEvent(options: {
  pipeline: {
    apiVersion: string;
    kind: string;
    name: string;
    namespace: string;
    uid?: string;
    resourceVersion?: string;
  };
  environment: string;
  version: string;
  promotionId: string;
}): FluxEvent {
  return {
    involvedObject: options.pipeline,
    severity: 'info',
    timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    message: `Promote version ${options.version} to environment ${options.environment}`,
    reason: 'Promote',
    metadata: {
      [`${PIPELINE_GROUP}/environment`]: options.environment,
      [`${PIPELINE_GROUP}/version`]: options.version,
      [`${PIPELINE_GROUP}/promotion-id`]: options.promotionId,
    },
    reportingController: 'backstage-pipelines',
    reportingInstance: os.hostname(),
  };
}

/**
 * Where notification-controller receives events for a management cluster: `url` when one is
 * configured (`pipelines.notificationController.url`), else the cluster API server's service
 * proxy to `flux-system/notification-controller` port 80 — the Backstage credentials of that
 * cluster already reach it (RBAC: `create` on `services/proxy` for that Service).
 */
export function eventReceiverUrl(kubeConfig: KubeConfig, url?: string): string {
  if (url) return url;
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server)
    throw new PromotionError(
      'The management cluster has no API server URL',
      false,
    );
  return `${server.replace(
    /\/+$/,
    '',
  )}/api/v1/namespaces/flux-system/services/http:notification-controller:80/proxy/`;
}

/** One POST with Node's http(s), with TLS and headers as client-node applies them to a cluster. */
function post(
  url: string,
  body: string,
  options: https.RequestOptions,
): Promise<{ status: number; text: string; retryAfter?: string }> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        ...options,
        method: 'POST',
        headers: {
          ...options.headers,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
        timeout: 15_000,
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            retryAfter: res.headers['retry-after'],
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 15 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * POSTs an event to notification-controller's receiver: through the service proxy with the
 * management cluster's credentials and CA, or straight to a configured URL.
 * @throws PromotionError (retryable) naming the receiver's answer; never the credentials.
 */
export async function sendFluxEvent(
  event: FluxEvent,
  receiver: { kubeConfig: KubeConfig; url?: string },
): Promise<string> {
  const target = eventReceiverUrl(receiver.kubeConfig, receiver.url);
  const options: https.RequestOptions = {};
  if (!receiver.url) await receiver.kubeConfig.applyToHTTPSOptions(options);
  let res;
  try {
    res = await post(target, JSON.stringify(event), options);
  } catch (e) {
    throw new PromotionError(
      `sending the Promote event to notification-controller: ${
        (e as Error).message
      }`,
      true,
    );
  }
  if (res.status < 200 || res.status >= 300) {
    throw PromotionError.fromHttp(
      'sending the Promote event to notification-controller',
      res.status,
      res.text.slice(0, 200),
      res.retryAfter,
    );
  }
  return receiver.url
    ? 'notification-controller'
    : 'notification-controller (through the API server)';
}
