import type { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Sandbox } from '@gitops-pipelines/sandbox';
import type { Server } from 'http';
import type { Knex } from 'knex';
import { pipelinesPlugin } from '../plugin';

/**
 * A test backend with the pipelines plugin pointed at the sandbox's management cluster
 * (status writes off), for tests through the real plugin and HTTP stack.
 * `pipelines` is merged into the plugin's config; `knex` is the plugin's database (an
 * in-memory SQLite one when absent); permission decisions are all `permission` (ALLOW).
 * Returns the HTTP server, for supertest.
 */
export async function startSandboxBackend(
  sandbox: Sandbox,
  options: {
    pipelines?: Record<string, unknown>;
    knex?: Knex;
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    entities?: Entity[];
    /** More features or service factories (e.g. the real metrics service). */
    features?: BackendFeature[];
  } = {},
): Promise<Server> {
  const m = sandbox.clusters.management;
  const { server } = await startTestBackend({
    features: [
      pipelinesPlugin,
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      mockServices.rootConfig.factory({
        data: {
          pipelines: {
            managementClusters: [
              {
                name: 'management',
                url: m.url,
                serviceAccountToken: sandbox.backstageToken,
                caData: m.caData,
              },
            ],
            writeStatus: false,
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
  return server;
}
