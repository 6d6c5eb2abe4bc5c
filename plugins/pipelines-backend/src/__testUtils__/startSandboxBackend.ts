import type { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Sandbox } from '@gitops-pipelines/sandbox';
import type { Server } from 'http';
import type { Knex } from 'knex';
import { pipelinesPlugin } from '../plugin';

/** What a sandbox test backend differs in. */
export interface SandboxBackendOptions {
  /** Merged into the plugin's `pipelines` config. */
  pipelines?: Record<string, unknown>;
  /** The plugin's database (an in-memory SQLite one when absent). */
  knex?: Knex;
  /** Every permission decision (default: the mock's ALLOW). */
  permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  entities?: Entity[];
  /** More root config, next to `pipelines` (e.g. `backend.actions`). */
  config?: Record<string, unknown>;
  /** More features or service factories (e.g. the real metrics service). */
  features?: BackendFeature[];
}

/**
 * A test backend with the pipelines plugin pointed at the sandbox's management cluster
 * (status writes off), for tests through the real plugin and HTTP stack. Returns the HTTP
 * server, for supertest.
 */
export async function startSandboxBackend(
  sandbox: Sandbox,
  options: SandboxBackendOptions = {},
): Promise<Server> {
  return (await startStoppableSandboxBackend(sandbox, options)).server;
}

/** As {@link startSandboxBackend}, with `stop()` (shutdown hooks run, the port is freed). */
export async function startStoppableSandboxBackend(
  sandbox: Sandbox,
  options: SandboxBackendOptions = {},
): Promise<{ server: Server; stop: () => Promise<void> }> {
  const m = sandbox.clusters.management;
  const backend = await startTestBackend({
    features: [
      pipelinesPlugin,
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      mockServices.rootConfig.factory({
        data: {
          ...options.config,
          pipelines: {
            managementClusters: [
              {
                name: 'management',
                url: m.url,
                serviceAccountToken: sandbox.pipelinesToken,
                caData: m.caData,
              },
            ],
            writeStatus: false,
            // The sandbox forge is http on 127.0.0.1: a known forge only when written with its scheme.
            ...(sandbox.forge
              ? {
                  forges: { allowedHosts: [new URL(sandbox.forge.url).origin] },
                }
              : {}),
            ...options.pipelines,
          },
        },
      }),
      ...(options.permission
        ? [mockServices.permissions.factory({ result: options.permission })]
        : []),
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
      ...(options.features ?? []),
    ],
  });
  return { server: backend.server, stop: () => backend.stop() };
}
