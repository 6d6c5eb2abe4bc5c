import {
  coreServices,
  createBackendPlugin,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createHmac } from 'crypto';
import type { Server } from 'http';
import knexFactory from 'knex';
import path from 'path';
import request from 'supertest';
import { DatabaseWebhookDeliveryStore } from '../database/DatabaseWebhookDeliveryStore';
import {
  createWebhookRouter,
  WebhookRouterOptions,
} from '../service/createWebhookRouter';

/*
 * The webhook router on Backstage's real HTTP stack (router, auth policies, error handler),
 * with a fake cache, engine and ledger, for tests of what the router decides.
 */

export const KEY = 'the-hmac-key';
/** The approval webhook's key, in the same Secret as {@link KEY}. */
export const APPROVAL_KEY = 'the-approval-hmac-key';
/** The key of another pipeline's Secret (`hmac-2`). */
export const OTHER_KEY = 'another-pipelines-hmac-key';
export const sign = (body: string, key = KEY) =>
  `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

const helmRef = {
  apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
  kind: 'HelmRelease',
  name: 'podinfo',
};
export function pipeline(
  name: string,
  options: { secretRef?: string; envSecretRef?: string; appRef?: object } = {},
) {
  return {
    apiVersion: 'pipelines.weave.works/v1alpha1',
    kind: 'Pipeline',
    metadata: { name, namespace: 'flux-system' },
    spec: {
      appRef: options.appRef ?? helmRef,
      environments: [
        { name: 'dev', targets: [{ namespace: 'app-dev' }] },
        {
          name: 'test',
          targets: [{ namespace: 'app-test' }, { namespace: 'app-test-2' }],
        },
        {
          name: 'prod',
          targets: [{ namespace: 'app-prod' }],
          promotion: {
            manual: true,
            strategy: {
              notification: {},
              ...(options.envSecretRef
                ? { secretRef: { name: options.envSecretRef } }
                : {}),
            },
          },
        },
      ],
      promotion: {
        strategy: {
          notification: {},
          ...(options.secretRef
            ? { secretRef: { name: options.secretRef } }
            : {}),
        },
      },
    },
  };
}

export const PIPELINES: Record<string, object> = {
  signed: pipeline('signed', { secretRef: 'hmac', envSecretRef: 'hmac' }),
  'signed-2': pipeline('signed-2', {
    secretRef: 'hmac-2',
    envSecretRef: 'hmac-2',
  }),
  unsigned: pipeline('unsigned'),
  // prod's own promotion names no Secret, the pipeline's does: as in the promotion plan,
  // prod's own settings apply as a whole, so promotions into prod have no key
  'env-override': pipeline('env-override', { secretRef: 'hmac' }),
  'no-key': pipeline('no-key', { secretRef: 'empty' }),
  kustomize: pipeline('kustomize', {
    appRef: {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      name: 'apps',
    },
  }),
  other: pipeline('other'),
};

/** The Secrets of namespace flux-system (`empty` has neither key). */
export const SECRETS: Record<string, Record<string, string>> = {
  hmac: { 'hmac-key': KEY, 'approval-hmac-key': APPROVAL_KEY },
  'hmac-2': { 'hmac-key': OTHER_KEY },
  empty: {},
};

export const event = (
  fields: {
    revision?: string;
    kind?: string;
    name?: string;
    namespace?: string;
    reason?: string;
    severity?: string;
    apiVersion?: string;
    metadata?: object;
  } = {},
) =>
  JSON.stringify({
    involvedObject: {
      apiVersion: fields.apiVersion ?? 'helm.toolkit.fluxcd.io/v2',
      kind: fields.kind ?? 'HelmRelease',
      name: fields.name ?? 'podinfo',
      namespace: fields.namespace ?? 'app-dev',
    },
    severity: fields.severity ?? 'info',
    reason: fields.reason ?? 'UpgradeSucceeded',
    message: 'Helm upgrade succeeded',
    metadata: { revision: fields.revision ?? '6.1.0', ...fields.metadata },
    reportingController: 'helm-controller',
  });

export const approvalBody = (
  fields: Partial<
    Record<'namespace' | 'name' | 'environment' | 'revision', string>
  > & { timestamp?: number; reason?: string } = {},
) =>
  JSON.stringify({
    namespace: 'flux-system',
    name: 'signed',
    environment: 'test',
    revision: '6.1.0',
    timestamp: Math.floor(Date.now() / 1000),
    ...fields,
  });

export function fakes() {
  const warnings: string[] = [];
  const errors: string[] = [];
  const infos: string[] = [];
  const logger: LoggerService = {
    warn: (m: string) => void warnings.push(m),
    error: (m: string) => void errors.push(m),
    info: (m: string) => void infos.push(m),
    debug: () => {},
    child: () => logger,
  };
  const records = new Map<string, any>();
  const engine = {
    requestNext: jest.fn(
      async (
        key: any,
        environment: string,
        version: string,
        requestedBy: string,
      ) => ({
        record: {
          id: `${key.name}-${version}`,
          pipeline: key,
          fromEnvironment: environment,
          version,
          requestedBy,
          approvals: [],
        },
        created: true,
      }),
    ),
    decide: jest.fn(
      async (id: string, decision: string, by: string, reason?: string) => {
        const r = records.get(id);
        r.approvals.push({
          by,
          decision,
          reason,
          at: new Date().toISOString(),
        });
        return r;
      },
    ),
  };
  const store = {
    findActive: jest.fn(
      async (key: any, toEnvironment: string, version: string) =>
        records.get(`${key.name}:${toEnvironment}:${version}`),
    ),
  };
  const cache = {
    getPipelineObject: (key: any) =>
      key.cluster === 'management' &&
      key.namespace === 'flux-system' &&
      PIPELINES[key.name]
        ? { object: PIPELINES[key.name] }
        : undefined,
    getSecretValue: (_c: string, ns: string, name: string, key: string) =>
      ns === 'flux-system' ? SECRETS[name]?.[key] : undefined,
    /** Set by a test: the cache has not listed Pipelines and Secrets yet (a backend starting). */
    starting: false,
    warmingUp(): boolean {
      return this.starting;
    },
  };
  return { warnings, errors, infos, logger, engine, store, cache, records };
}

/**
 * The accepted-deliveries store on a real (in-memory SQLite) database with the plugin's
 * migrations.
 */
export async function deliveryStore() {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  await knex.migrate.latest({
    directory: path.resolve(__dirname, '../../migrations'),
  });
  return { knex, deliveries: new DatabaseWebhookDeliveryStore(knex) };
}

/** Headers of a webhook request; `Content-Type` defaults to application/json. */
export type WebhookHeaders = Record<string, string | undefined>;

export async function start(config: object = {}, f = fakes()) {
  const { knex, deliveries } = await deliveryStore();
  const plugin = createBackendPlugin({
    pluginId: 'pipelines',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter },
        async init({ httpRouter }) {
          httpRouter.use(
            createWebhookRouter({
              cache: f.cache as any,
              engine: f.engine as unknown as WebhookRouterOptions['engine'],
              store: f.store,
              deliveries,
              logger: f.logger,
              defaultCluster: 'management',
              config: new ConfigReader({ pipelines: config }),
            }),
          );
          httpRouter.addAuthPolicy({
            path: '/promotion',
            allow: 'unauthenticated',
          });
          httpRouter.addAuthPolicy({
            path: '/approval',
            allow: 'unauthenticated',
          });
        },
      });
    },
  });
  const server: Server = (await startTestBackend({ features: [plugin] }))
    .server;
  const send = (url: string, body: string, headers: WebhookHeaders = {}) => {
    let r = request(server).post(`/api/pipelines${url}`);
    for (const [name, value] of Object.entries({
      'Content-Type': 'application/json',
      ...headers,
    }))
      if (value !== undefined) r = r.set(name, value);
    return r.send(body);
  };
  const post = (url: string, body: string, signature?: string) =>
    send(url, body, signature ? { 'X-Signature': signature } : {});
  return { server, post, send, knex, deliveries, ...f };
}
