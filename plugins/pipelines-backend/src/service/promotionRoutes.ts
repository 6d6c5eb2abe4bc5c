import { NotFoundError } from '@backstage/errors';
import {
  HoldListResponse,
  PromotionDetail,
  PromotionListResponse,
  pipelinesPromotionApprovePermission,
  pipelinesPromotionCreatePermission,
} from '@gitops-pipelines/plugin-pipelines-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HoldStore, PromotionStore } from '../database/PromotionStore';
import { PromotionEngine } from '../promotion/PromotionEngine';
import { parse } from './parse';
import { createPermissionChecks, PermissionCheckOptions } from './requirePermission';

export interface PromotionRoutesOptions extends PermissionCheckOptions {
  promotions: PromotionStore;
  holds: HoldStore;
  engine: PromotionEngine;
}

const name = z.string().min(1).max(253);
const pipelineParams = z.object({ cluster: name, namespace: name, name });
const environment = z.string().min(1).max(63);
/** The entity the user acts from; permission rules about entities apply to it. */
const entityRef = z.string().min(1).max(512).optional();
const reason = z.string().max(2000).optional();
const createPromotionBody = z.object({ environment, version: z.string().min(1).max(255), entityRef });
const rollbackBody = createPromotionBody.extend({ reason });
const actionBody = z.object({ reason, entityRef });
const idParams = z.object({ id: z.string().uuid() });
const pageQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/**
 * The promotion routes: request, approve / reject, retry, cancel, roll back, holds, and
 * the ledger's reads. Every mutating route checks its permission server-side and is
 * audited, allowed or refused (`auditRequests`, and the engine for each decision it makes).
 */
export function createPromotionRoutes(options: PromotionRoutesOptions) {
  const { promotions, holds, engine } = options;
  const { requireRead, authorizeAction } = createPermissionChecks(options);
  const router = Router();

  router.post('/v1/pipelines/:cluster/:namespace/:name/promotions', async (req, res) => {
    const key = parse(pipelineParams, req.params, 'path');
    const body = parse(createPromotionBody, req.body, 'body');
    const by = await authorizeAction(req, pipelinesPromotionCreatePermission, key, body.entityRef);
    const trigger = req.header('x-pipelines-trigger') === 'scaffolder' ? 'scaffolder' : 'user';
    const { record, created } = await engine.request({ pipeline: key, environment: body.environment, version: body.version, trigger, requestedBy: by });
    res.status(created ? 201 : 200).json(record);
  });

  router.post('/v1/pipelines/:cluster/:namespace/:name/rollback', async (req, res) => {
    const key = parse(pipelineParams, req.params, 'path');
    const body = parse(rollbackBody, req.body, 'body');
    const by = await authorizeAction(req, pipelinesPromotionCreatePermission, key, body.entityRef);
    const { record, created } = await engine.rollback(key, body.environment, body.version, by, body.reason);
    res.status(created ? 201 : 200).json(record);
  });

  const loadPromotion = async (id: string) => {
    const record = await promotions.get(id);
    if (!record) throw new NotFoundError(`Promotion ${id} not found`);
    return record;
  };

  for (const decision of ['approve', 'reject'] as const) {
    router.post(`/v1/promotions/:id/${decision}`, async (req, res) => {
      const { id } = parse(idParams, req.params, 'path');
      const body = parse(actionBody, req.body ?? {}, 'body');
      const record = await loadPromotion(id);
      const by = await authorizeAction(req, pipelinesPromotionApprovePermission, record.pipeline, body.entityRef, ['user']);
      res.json(await engine.decide(id, decision === 'approve' ? 'approved' : 'rejected', by, body.reason));
    });
  }

  router.post('/v1/promotions/:id/retry', async (req, res) => {
    const { id } = parse(idParams, req.params, 'path');
    const body = parse(actionBody, req.body ?? {}, 'body');
    const record = await loadPromotion(id);
    const by = await authorizeAction(req, pipelinesPromotionCreatePermission, record.pipeline, body.entityRef);
    const { record: retry, created } = await engine.retry(id, by);
    res.status(created ? 201 : 200).json(retry);
  });

  router.post('/v1/promotions/:id/cancel', async (req, res) => {
    const { id } = parse(idParams, req.params, 'path');
    const body = parse(actionBody, req.body ?? {}, 'body');
    const record = await loadPromotion(id);
    const by = await authorizeAction(req, pipelinesPromotionCreatePermission, record.pipeline, body.entityRef);
    res.json(await engine.cancel(id, by, body.reason));
  });

  router.get('/v1/promotions/:id', async (req, res) => {
    const { id } = parse(idParams, req.params, 'path');
    await requireRead(req);
    const detail: PromotionDetail = { ...(await loadPromotion(id)), events: await promotions.events(id) };
    res.json(detail);
  });

  router.get('/v1/pipelines/:cluster/:namespace/:name/promotions', async (req, res) => {
    const key = parse(pipelineParams, req.params, 'path');
    const page = parse(pageQuery, req.query, 'query');
    await requireRead(req);
    const [{ items, totalCount }, active, held] = await Promise.all([promotions.list(key, page), promotions.listActive(key), holds.list(key)]);
    const body: PromotionListResponse = { items, totalCount, ...page, active, holds: held };
    res.json(body);
  });

  router.get('/v1/pipelines/:cluster/:namespace/:name/holds', async (req, res) => {
    const key = parse(pipelineParams, req.params, 'path');
    await requireRead(req);
    const body: HoldListResponse = { items: await holds.list(key) };
    res.json(body);
  });

  router.delete('/v1/pipelines/:cluster/:namespace/:name/holds/:environment', async (req, res) => {
    const key = parse(pipelineParams, { ...req.params }, 'path');
    const env = parse(environment, req.params.environment, 'environment');
    const query = parse(z.object({ entityRef }), req.query, 'query');
    const by = await authorizeAction(req, pipelinesPromotionCreatePermission, key, query.entityRef);
    res.json(await engine.releaseHold(key, env, by));
  });

  return router;
}
