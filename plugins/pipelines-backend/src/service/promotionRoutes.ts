import { NotFoundError } from '@backstage/errors';
import {
  HoldListResponse,
  PromotionDetail,
  PromotionListResponse,
  pipelinesPromotionApprovePermission,
  pipelinesPromotionCreatePermission,
  pipelinesPromotionOverridePermission,
  promotionGates,
} from '@gitops-pipelines/plugin-pipelines-common';
import { HoldStore, PromotionStore } from '../database/PromotionStore';
import { VersionBlockStore } from '../database/DatabaseVersionBlockStore';
import { PromotionEngine } from '../promotion/PromotionEngine';
import { overrideFreeze } from '../promotion/freezeOverride';
import { PromotionPreviewer } from '../promotion/previewPromotion';
import { PipelineStateReader } from '../state/PipelineStateReader';
import { PipelinesApiRouter } from '../schema/router';
import {
  createPermissionChecks,
  PermissionCheckOptions,
} from './requirePermission';

export interface PromotionRoutesOptions extends PermissionCheckOptions {
  promotions: PromotionStore;
  holds: HoldStore;
  blocks: VersionBlockStore;
  engine: PromotionEngine;
  state: Pick<PipelineStateReader, 'getPipeline'>;
  preview: PromotionPreviewer;
}

/** The page of the ledger a listing asks for; the document gives the defaults and bounds. */
const DEFAULT_PAGE = { offset: 0, limit: 20 };

/**
 * The promotion routes: request, approve / reject, retry, cancel, roll back, holds, and
 * the ledger's reads, on the API router (input already validated against `openapi.yaml`).
 * Every mutating route checks its permission server-side and is audited, allowed or
 * refused (`auditRequests`, and the engine for each decision it makes).
 */
export function registerPromotionRoutes(
  router: PipelinesApiRouter,
  options: PromotionRoutesOptions,
): void {
  const { promotions, holds, blocks, engine } = options;
  const { requireRead, authorizeAction } = createPermissionChecks(options);

  router.post(
    '/v1/pipelines/:cluster/:namespace/:name/promotions',
    async (req, res) => {
      const key = req.params;
      const body = req.body;
      const by = await authorizeAction(
        req,
        pipelinesPromotionCreatePermission,
        key,
        body.entityRef,
      );
      const trigger =
        req.header('x-pipelines-trigger') === 'scaffolder'
          ? 'scaffolder'
          : 'user';
      const { record, created } = await engine.request({
        pipeline: key,
        environment: body.environment,
        version: body.version,
        trigger,
        requestedBy: by,
      });
      res.status(created ? 201 : 200).json(record);
    },
  );

  // A dry run for the Promote and Approve dialogs: what the pull request would change, or the event that would be sent.
  router.post(
    '/v1/pipelines/:cluster/:namespace/:name/promotions/preview',
    async (req, res) => {
      await requireRead(req);
      res.json(
        await options.preview(
          req.params,
          req.body.environment,
          req.body.version,
        ),
      );
    },
  );

  router.post(
    '/v1/pipelines/:cluster/:namespace/:name/rollback',
    async (req, res) => {
      const key = req.params;
      const body = req.body;
      const by = await authorizeAction(
        req,
        pipelinesPromotionCreatePermission,
        key,
        body.entityRef,
      );
      const { record, created } = await engine.rollback(
        key,
        body.environment,
        body.version,
        by,
        body.reason,
      );
      res.status(created ? 201 : 200).json(record);
    },
  );

  const loadPromotion = async (id: string) => {
    const record = await promotions.get(id);
    if (!record) throw new NotFoundError(`Promotion ${id} not found`);
    return record;
  };

  router.post('/v1/promotions/:id/approve', async (req, res) => {
    const body = req.body ?? {};
    const record = await loadPromotion(req.params.id);
    const by = await authorizeAction(
      req,
      pipelinesPromotionApprovePermission,
      record.pipeline,
      body.entityRef,
      ['user'],
    );
    res.json(await engine.decide(record.id, 'approved', by, body.reason));
  });

  router.post('/v1/promotions/:id/reject', async (req, res) => {
    const body = req.body ?? {};
    const record = await loadPromotion(req.params.id);
    const by = await authorizeAction(
      req,
      pipelinesPromotionApprovePermission,
      record.pipeline,
      body.entityRef,
      ['user'],
    );
    res.json(await engine.decide(record.id, 'rejected', by, body.reason));
  });

  router.post('/v1/promotions/:id/retry', async (req, res) => {
    const body = req.body ?? {};
    const record = await loadPromotion(req.params.id);
    const by = await authorizeAction(
      req,
      pipelinesPromotionCreatePermission,
      record.pipeline,
      body.entityRef,
    );
    const { record: retry, created } = await engine.retry(record.id, by);
    res.status(created ? 201 : 200).json(retry);
  });

  router.post('/v1/promotions/:id/override', async (req, res) => {
    const record = await loadPromotion(req.params.id);
    const by = await authorizeAction(
      req,
      pipelinesPromotionOverridePermission,
      record.pipeline,
      req.body.entityRef,
      ['user'],
    );
    res.json(
      await overrideFreeze(
        { store: promotions, engine, cache: options.state },
        record.id,
        by,
        req.body.reason,
      ),
    );
  });

  router.post('/v1/promotions/:id/cancel', async (req, res) => {
    const body = req.body ?? {};
    const record = await loadPromotion(req.params.id);
    const by = await authorizeAction(
      req,
      pipelinesPromotionCreatePermission,
      record.pipeline,
      body.entityRef,
    );
    res.json(await engine.cancel(record.id, by, body.reason));
  });

  router.get('/v1/promotions/:id', async (req, res) => {
    await requireRead(req);
    const record = await loadPromotion(req.params.id);
    const detail: PromotionDetail = {
      ...record,
      events: await promotions.events(record.id),
    };
    res.json(detail);
  });

  router.get(
    '/v1/pipelines/:cluster/:namespace/:name/promotions',
    async (req, res) => {
      const key = req.params;
      const page = {
        offset: req.query.offset ?? DEFAULT_PAGE.offset,
        limit: req.query.limit ?? DEFAULT_PAGE.limit,
      };
      await requireRead(req);
      const [{ items, totalCount }, active, held, blocked] = await Promise.all([
        promotions.list(key, page),
        promotions.listActive(key),
        holds.list(key),
        blocks.list(key),
      ]);
      const pipeline = options.state.getPipeline(key);
      const gates = Object.fromEntries(
        await Promise.all(
          active.map(async r => {
            const freezeOverridden = (await promotions.events(r.id)).some(
              e => e.type === 'freeze-overridden',
            );
            return [
              r.id,
              pipeline
                ? promotionGates({
                    record: r,
                    pipeline,
                    blocks: blocked,
                    freezeOverridden,
                    now: Date.now(),
                  })
                : [],
            ] as const;
          }),
        ),
      );
      const body: PromotionListResponse = {
        items,
        totalCount,
        ...page,
        active,
        holds: held,
        blocks: blocked,
        gates,
      };
      res.json(body);
    },
  );

  router.get(
    '/v1/pipelines/:cluster/:namespace/:name/holds',
    async (req, res) => {
      await requireRead(req);
      const body: HoldListResponse = { items: await holds.list(req.params) };
      res.json(body);
    },
  );

  router.delete(
    '/v1/pipelines/:cluster/:namespace/:name/holds/:environment',
    async (req, res) => {
      const { environment, ...key } = req.params;
      const by = await authorizeAction(
        req,
        pipelinesPromotionCreatePermission,
        key,
        req.query.entityRef,
      );
      res.json(await engine.releaseHold(key, environment, by));
    },
  );
}
