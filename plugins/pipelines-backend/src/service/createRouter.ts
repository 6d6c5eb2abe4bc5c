import {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { PipelineListResponse } from '@gitops-pipelines/plugin-pipelines-common';
import express from 'express';
import { HoldStore, PromotionStore } from '../database/PromotionStore';
import { VersionBlockStore } from '../database/DatabaseVersionBlockStore';
import { VersionBlocking } from '../promotion/VersionBlocking';
import { PromotionPreviewer } from '../promotion/previewPromotion';
import { PromotionEngine } from '../promotion/PromotionEngine';
import { createPipelinesApiRouter } from '../schema/router';
import { PipelineStateReader } from '../state/PipelineStateReader';
import { createEntityAccess } from './entityAccess';
import { streamEvents } from './eventStream';
import { readableEntityPipelines } from './resolveEntityPipelines';
import { registerBlockRoutes } from './blockRoutes';
import { registerMetricsRoutes } from './metricsRoutes';
import { registerPromotionRoutes } from './promotionRoutes';
import { createPermissionChecks } from './requirePermission';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  state: PipelineStateReader;
  promotions: PromotionStore;
  holds: HoldStore;
  blocks: VersionBlockStore;
  blocking: VersionBlocking;
  /** Dry runs of promotions (`POST …/promotions/preview`). */
  preview: PromotionPreviewer;
  engine: PromotionEngine;
  defaultCluster?: string;
  /** Service subjects that may change pipelines (`pipelines.permissions.serviceMutations`). */
  serviceMutations?: string[];
  /** Validate every response against `openapi.yaml` (default: under jest, `NODE_ENV=test`). */
  validateResponses?: boolean;
}

/**
 * The REST API of DESIGN §5 (except the compatibility webhooks, {@link createWebhookRouter}),
 * on the router typed and validated from `src/schema/openapi.yaml`: request input is checked
 * against the document before a handler runs, so handlers read typed parameters.
 *
 * Every decision is made on the pipeline's own entity (`pipelines.weave.works/entity`),
 * never on an entity the request names: a body or query carrying `entityRef` (what
 * clients sent before) is refused with 400 rather than silently decided otherwise
 * (ADR 0008). Every read is filtered per pipeline.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, catalog, state, defaultCluster } = options;
  const visibleEntity = createEntityAccess({ catalog });
  const validateResponses =
    options.validateResponses ?? process.env.NODE_ENV === 'test';
  const router = createPipelinesApiRouter({ validateResponses });

  const checks = createPermissionChecks(options);
  const listBodies = new WeakMap<
    object,
    { clustersJson: string; json: string }
  >();
  router.use((req, _res, next) => {
    const query = req.query as Record<string, unknown>;
    const body = req.body as unknown;
    if (
      (body !== null && typeof body === 'object' && 'entityRef' in body) ||
      (query && 'entityRef' in query)
    )
      throw new InputError(
        'entityRef is no longer accepted: permissions are decided on the entity the Pipeline names in its pipelines.weave.works/entity annotation; leave entityRef out of the request',
      );
    next();
  });
  registerPromotionRoutes(router, { ...options, checks });
  registerMetricsRoutes(router, { ...options, checks });
  registerBlockRoutes(router, { ...options, checks });

  router.get('/v1/pipelines', async (req, res) => {
    const { cluster, namespace } = req.query;
    const all = state.listPipelines({ cluster, namespace });
    const credentials = await httpAuth.credentials(req);
    const readable = await checks.filterReadable(credentials, all);
    // All readable: the unfiltered list, the same array until a pipeline changes.
    const items = readable.length === all.length ? all : readable;
    const clusters = state.clusters();
    // The unfiltered list is the same array until a pipeline changes: serialize it once.
    const clustersJson = JSON.stringify(clusters);
    let kept = listBodies.get(items);
    if (kept?.clustersJson !== clustersJson) {
      const body: PipelineListResponse = {
        items,
        clusters,
        ...(defaultCluster ? { defaultCluster } : {}),
      };
      kept = { clustersJson, json: JSON.stringify(body) };
      listBodies.set(items, kept);
    }
    if (validateResponses) {
      res.json(JSON.parse(kept.json)); // through the validator, which sees `json` calls only
      return;
    }
    // Already serialized (a PipelineListResponse): the typed `json` would serialize again.
    (res as express.Response).type('application/json').send(kept.json);
  });

  router.get('/v1/pipelines/:cluster/:namespace/:name', async (req, res) => {
    const key = req.params;
    const credentials = await httpAuth.credentials(req);
    await checks.requireReadFor(credentials, key);
    const pipeline = state.getPipeline(key);
    if (!pipeline) {
      throw new NotFoundError(
        `Pipeline ${key.namespace}/${key.name} not found on management cluster "${key.cluster}"`,
      );
    }
    const [permissions] = await checks.actionsOn(credentials, [pipeline]);
    res.json({ ...pipeline, permissions });
  });

  router.get('/v1/events', async (req, res) => {
    streamEvents(req, res, {
      credentials: await httpAuth.credentials(req),
      checks,
      state,
      engine: options.engine,
    });
  });

  router.get(
    '/v1/entity/:kind/:namespace/:name/pipelines',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const entity = await visibleEntity(req.params, credentials);
      res.json(
        await readableEntityPipelines(entity, credentials, {
          state,
          checks,
          defaultCluster,
        }),
      );
    },
  );

  return router;
}
