import { InputError, NotFoundError } from '@backstage/errors';
import {
  HoldListResponse,
  PromotionDetail,
  PromotionListResponse,
  pipelinesPromotionApprovePermission,
  pipelinesPromotionCreatePermission,
  pipelinesPromotionOverridePermission,
  promotionGates,
  sameIdentity,
} from '@gitops-pipelines/plugin-pipelines-common';
import { HoldStore, PromotionStore } from '../database/PromotionStore';
import { VersionBlockStore } from '../database/DatabaseVersionBlockStore';
import { PromotionEngine } from '../promotion/PromotionEngine';
import { overrideFreeze } from '../promotion/freezeOverride';
import { PromotionPreviewer } from '../promotion/previewPromotion';
import { PipelineStateReader } from '../state/PipelineStateReader';
import { PipelinesApiRouter } from '../schema/router';
import { actor, PermissionChecks } from './requirePermission';

export interface PromotionRoutesOptions {
  checks: PermissionChecks;
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
 * Every route checks its permission server-side on the pipeline's own entity (for
 * `/v1/promotions/{id}/…`, the pipeline of the ledger row) and every mutating one is
 * audited, allowed or refused (`auditRequests`, and the engine for each decision it makes).
 */
export function registerPromotionRoutes(
  router: PipelinesApiRouter,
  options: PromotionRoutesOptions,
): void {
  const { promotions, holds, blocks, engine } = options;
  const { requireRead, authorizeAction, authorizeOnPipeline, caller } =
    options.checks;

  router.post(
    '/v1/pipelines/:cluster/:namespace/:name/promotions',
    async (req, res) => {
      const key = req.params;
      const body = req.body;
      const by = await authorizeAction(
        req,
        pipelinesPromotionCreatePermission,
        key,
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

  // A dry run for the Promote and Approve dialogs: what the pull request would change, or
  // the event that would be sent. It reads the repository with the strategy's credentials:
  // as much as requesting (`pipelines.promotion.create`), not just reading.
  router.post(
    '/v1/pipelines/:cluster/:namespace/:name/promotions/preview',
    async (req, res) => {
      await authorizeAction(
        req,
        pipelinesPromotionCreatePermission,
        req.params,
      );
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
      'users',
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
      'users',
    );
    res.json(await engine.decide(record.id, 'rejected', by, body.reason));
  });

  router.post('/v1/promotions/:id/retry', async (req, res) => {
    const record = await loadPromotion(req.params.id);
    const by = await authorizeAction(
      req,
      pipelinesPromotionCreatePermission,
      record.pipeline,
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
      'users',
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

  // Requesters cancel their own promotions (`pipelines.promotion.create`); cancelling
  // someone else's — approvals and all — is a decision: `pipelines.promotion.approve`, by a
  // user, with a reason.
  router.post('/v1/promotions/:id/cancel', async (req, res) => {
    const reason = req.body?.reason?.trim();
    const record = await loadPromotion(req.params.id);
    const credentials = await caller(req);
    const by = actor(credentials);
    const own = sameIdentity(record.requestedBy, by);
    await authorizeOnPipeline(
      credentials,
      own
        ? pipelinesPromotionCreatePermission
        : pipelinesPromotionApprovePermission,
      record.pipeline,
      own ? 'users-and-services' : 'users',
    );
    if (!own && !reason)
      throw new InputError(
        `Promotion ${record.id} was requested by ${record.requestedBy}: say why you cancel it (reason)`,
      );
    res.json(await engine.cancel(record.id, by, reason || undefined));
  });

  router.get('/v1/promotions/:id', async (req, res) => {
    const record = await loadPromotion(req.params.id);
    await requireRead(req, record.pipeline);
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
      await requireRead(req, key);
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
      await requireRead(req, req.params);
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
      );
      res.json(await engine.releaseHold(key, environment, by));
    },
  );
}
