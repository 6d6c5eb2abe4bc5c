import { NotFoundError } from '@backstage/errors';
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
import {
  createPermissionChecks,
  PermissionCheckOptions,
} from './requirePermission';
import { resolveEntityPipelines } from './resolveEntityPipelines';

export interface MetricsRoutesOptions extends PermissionCheckOptions {
  promotions: PromotionStore;
  state: PipelineStateReader;
}

/**
 * Delivery metrics from the ledger, per pipeline and per catalog entity (its linked
 * pipelines). Reads: `pipelines.pipeline.read`, or reading the entity.
 */
export function registerMetricsRoutes(
  router: PipelinesApiRouter,
  options: MetricsRoutesOptions,
): void {
  const { promotions, state, catalog, permissions, httpAuth, defaultCluster } =
    options;
  const { requireRead } = createPermissionChecks(options);
  const readableEntity = createEntityAccess({ catalog, permissions });

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
      await requireRead(req);
      const key = req.params;
      if (!state.getPipeline(key)) {
        throw new NotFoundError(
          `Pipeline ${key.namespace}/${key.name} not found on management cluster "${key.cluster}"`,
        );
      }
      res.json(await metricsOf(key, req.query.window ?? '30d'));
    },
  );

  router.get('/v1/entity/:kind/:namespace/:name/metrics', async (req, res) => {
    const entity = await readableEntity(
      req.params,
      await httpAuth.credentials(req),
    );
    const linked = resolveEntityPipelines(entity, state, defaultCluster);
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
