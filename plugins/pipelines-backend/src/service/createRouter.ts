import {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
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
import { resolveEntityPipelines } from './resolveEntityPipelines';
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
  /** Validate every response against `openapi.yaml` (default: under jest, `NODE_ENV=test`). */
  validateResponses?: boolean;
}

/**
 * The REST API of DESIGN §5 (except the compatibility webhooks, {@link createWebhookRouter}),
 * on the router typed and validated from `src/schema/openapi.yaml`: request input is checked
 * against the document before a handler runs, so handlers read typed parameters.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, state, engine, defaultCluster } =
    options;
  const readableEntity = createEntityAccess({ catalog, permissions });
  const validateResponses =
    options.validateResponses ?? process.env.NODE_ENV === 'test';
  const router = createPipelinesApiRouter({ validateResponses });

  const { requireRead } = createPermissionChecks(options);
  const listBodies = new WeakMap<
    object,
    { clustersJson: string; json: string }
  >();
  registerPromotionRoutes(router, options);
  registerMetricsRoutes(router, options);
  registerBlockRoutes(router, options);

  router.get('/v1/pipelines', async (req, res) => {
    const { cluster, namespace } = req.query;
    await requireRead(req);
    const items = state.listPipelines({ cluster, namespace });
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
    await requireRead(req);
    const pipeline = state.getPipeline(key);
    if (!pipeline) {
      throw new NotFoundError(
        `Pipeline ${key.namespace}/${key.name} not found on management cluster "${key.cluster}"`,
      );
    }
    res.json(pipeline);
  });

  /**
   * Server-sent events: `pipeline-changed` / `pipeline-removed` with the pipeline's key,
   * whenever the watch cache sees its state change, and `promotion-changed` (pipeline key
   * and ledger id) whenever a promotion changes. Clients refetch what they show.
   */
  router.get('/v1/events', async (req, res) => {
    await requireRead(req);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(': connected\n\n');
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const unsubscribe = state.subscribe((changed, removed) => {
      for (const d of changed)
        send('pipeline-changed', {
          cluster: d.cluster,
          namespace: d.namespace,
          name: d.name,
        });
      for (const k of removed) send('pipeline-removed', k);
    });
    const unsubscribePromotions = engine.onChange(record =>
      send('promotion-changed', { ...record.pipeline, id: record.id }),
    );
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      unsubscribePromotions();
    });
  });

  router.get(
    '/v1/entity/:kind/:namespace/:name/pipelines',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const entity = await readableEntity(req.params, credentials);
      res.json(resolveEntityPipelines(entity, state, defaultCluster));
    },
  );

  return router;
}
