import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  EntityDeliveryMetricsResponse,
  PipelineKey,
} from '@gitops-pipelines/plugin-pipelines-common';
import { PromotionStore } from '../database/PromotionStore';
import {
  computeDeliveryMetrics,
  parseMetricsWindow,
} from '../delivery/deliveryMetrics';
import { PipelinesApiRouter } from '../schema/router';
import { PipelineStateReader } from '../state/PipelineStateReader';
import { createEntityAccess } from './entityAccess';
import { PermissionChecks } from './requirePermission';
import { readableEntityPipelines } from './resolveEntityPipelines';

export interface MetricsRoutesOptions {
  checks: PermissionChecks;
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  promotions: PromotionStore;
  state: PipelineStateReader;
  defaultCluster?: string;
}

/**
 * Delivery metrics from the ledger, per pipeline and per catalog entity (its linked
 * pipelines the caller may read). Reads: `pipelines.pipeline.read` on each pipeline's own
 * entity.
 */
export function registerMetricsRoutes(
  router: PipelinesApiRouter,
  options: MetricsRoutesOptions,
): void {
  const { promotions, state, catalog, httpAuth, defaultCluster, checks } =
    options;
  const visibleEntity = createEntityAccess({ catalog });

  const metricsOf = async (key: PipelineKey, window: string) => {
    const now = new Date();
    const since = new Date(now.getTime() - parseMetricsWindow(window));
    const environments =
      state.getPipeline(key)?.environments.map(e => e.name) ?? [];
    const rows = await promotions.listHistorySince(key, since);
    return computeDeliveryMetrics({
      pipeline: key,
      environments,
      rows,
      window,
      now,
    });
  };

  router.get(
    '/v1/pipelines/:cluster/:namespace/:name/metrics',
    async (req, res) => {
      const key = req.params;
      await checks.requireRead(req, key);
      if (!state.getPipeline(key)) {
        throw new NotFoundError(
          `Pipeline ${key.namespace}/${key.name} not found on management cluster "${key.cluster}"`,
        );
      }
      res.json(await metricsOf(key, req.query.window ?? '30d'));
    },
  );

  router.get('/v1/entity/:kind/:namespace/:name/metrics', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const entity = await visibleEntity(req.params, credentials);
    const linked = await readableEntityPipelines(entity, credentials, {
      state,
      checks,
      defaultCluster,
    });
    const found = linked.items.filter(i => i.state === 'found');
    const body: EntityDeliveryMetricsResponse = {
      entityRef: linked.entityRef,
      items: await Promise.all(
        found.map(i => metricsOf(i.ref, req.query.window ?? '30d')),
      ),
    };
    res.json(body);
  });
}
