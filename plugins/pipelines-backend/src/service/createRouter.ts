import {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { BackstageCredentials, BackstageUserPrincipal, BackstageServicePrincipal } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  getEntityPipelineCluster,
  getEntityPipelineRefs,
  PipelineKey,
  PipelineListResponse,
  PromotionListResponse,
  pipelinesPipelineReadPermission,
  pipelinesPromotionApprovePermission,
  pipelinesPromotionCreatePermission,
} from '@gitops-pipelines/plugin-pipelines-common';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { PromotionStore } from '../database/PromotionStore';
import { PromotionEngine } from '../promotion/PromotionEngine';
import { PipelineStateReader } from '../state/PipelineStateReader';
import { parse } from './parse';
import { resolveEntityPipelines } from './resolveEntityPipelines';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  state: PipelineStateReader;
  promotions: PromotionStore;
  engine: PromotionEngine;
  defaultCluster?: string;
}

const name = z.string().min(1).max(253);
const pipelineParams = z.object({ cluster: name, namespace: name, name });
const entityParams = z.object({ kind: name, namespace: name, name });
const listQuery = z.object({
  cluster: name.optional(),
  namespace: name.optional(),
});
const entityRefField = z.string().min(1).max(512).optional();
const createPromotionBody = z.object({
  environment: z.string().min(1).max(63),
  version: z.string().min(1).max(255),
  /** The entity the user acts from; permission rules about entities apply to it. */
  entityRef: entityRefField,
});
const decisionBody = z.object({ reason: z.string().max(2000).optional(), entityRef: entityRefField });
const idParams = z.object({ id: z.string().uuid() });
const pageQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});


export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, permissions, catalog, state, promotions, engine, defaultCluster } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  /**
   * Checks `pipelines.pipeline.read` without an entity. Pipelines outside the catalog
   * are visible only on an unconditional ALLOW; a conditional decision (rules about
   * entities) cannot be evaluated without an entity, so it denies.
   */
  async function requireRead(req: express.Request) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorizeConditional(
      [{ permission: pipelinesPipelineReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('Not allowed to read pipelines');
    }
  }

  /** Who acts: the user's entity ref, or the calling service. */
  function actor(credentials: BackstageCredentials): string {
    const principal = credentials.principal as BackstageUserPrincipal | BackstageServicePrincipal;
    return principal.type === 'user' ? principal.userEntityRef : `service:${principal.subject}`;
  }

  /**
   * Checks a permission for an action on a pipeline. With `entityRef`, the entity must link
   * to the pipeline and the decision is about that entity (catalog rules apply); without,
   * only an unconditional ALLOW passes.
   */
  async function authorizeOnPipeline(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    key: PipelineKey,
    entityRef: string | undefined,
  ) {
    if (!entityRef) {
      const [d] = await permissions.authorizeConditional([{ permission }], { credentials });
      if (d.result !== AuthorizeResult.ALLOW) throw new NotAllowedError(`Not allowed: ${permission.name}`);
      return;
    }
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`Entity ${entityRef} not found`);
    const cluster = getEntityPipelineCluster(entity) ?? defaultCluster;
    const linked = cluster === key.cluster && getEntityPipelineRefs(entity).refs.some(r => r.namespace === key.namespace && r.name === key.name);
    if (!linked) throw new InputError(`${entityRef} is not linked to pipeline ${key.namespace}/${key.name} on ${key.cluster}`);
    const [d] = await permissions.authorize([{ permission, resourceRef: stringifyEntityRef(entity) }], { credentials });
    if (d.result !== AuthorizeResult.ALLOW) throw new NotAllowedError(`Not allowed: ${permission.name} on ${stringifyEntityRef(entity)}`);
  }

  router.post('/v1/pipelines/:cluster/:namespace/:name/promotions', async (req, res) => {
    const key = parse(pipelineParams, req.params, 'path');
    const body = parse(createPromotionBody, req.body, 'body');
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    await authorizeOnPipeline(credentials, pipelinesPromotionCreatePermission, key, body.entityRef);
    const { record, created } = await engine.request({
      pipeline: key,
      environment: body.environment,
      version: body.version,
      trigger: req.header('x-pipelines-trigger') === 'scaffolder' ? 'scaffolder' : 'user',
      requestedBy: actor(credentials),
    });
    res.status(created ? 201 : 200).json(record);
  });

  for (const decision of ['approve', 'reject'] as const) {
    router.post(`/v1/promotions/:id/${decision}`, async (req, res) => {
      const { id } = parse(idParams, req.params, 'path');
      const body = parse(decisionBody, req.body ?? {}, 'body');
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const record = await promotions.get(id);
      if (!record) throw new NotFoundError(`Promotion ${id} not found`);
      await authorizeOnPipeline(credentials, pipelinesPromotionApprovePermission, record.pipeline, body.entityRef);
      res.json(await engine.decide(id, decision === 'approve' ? 'approved' : 'rejected', actor(credentials), body.reason));
    });
  }

  router.get('/v1/pipelines', async (req, res) => {
    const filter = parse(listQuery, req.query, 'query');
    await requireRead(req);
    const body: PipelineListResponse = {
      items: state.listPipelines(filter),
      clusters: state.clusters(),
    };
    res.json(body);
  });

  router.get('/v1/pipelines/:cluster/:namespace/:name', async (req, res) => {
    const key = parse(pipelineParams, req.params, 'path');
    await requireRead(req);
    const pipeline = state.getPipeline(key);
    if (!pipeline) {
      throw new NotFoundError(
        `Pipeline ${key.namespace}/${key.name} not found on management cluster "${key.cluster}"`,
      );
    }
    res.json(pipeline);
  });

  router.get('/v1/pipelines/:cluster/:namespace/:name/promotions', async (req, res) => {
    const key = parse(pipelineParams, req.params, 'path');
    const page = parse(pageQuery, req.query, 'query');
    await requireRead(req);
    const { items, totalCount } = await promotions.list(key, page);
    const body: PromotionListResponse = { items, totalCount, ...page };
    res.json(body);
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
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const unsubscribe = state.subscribe((changed, removed) => {
      for (const d of changed) send('pipeline-changed', { cluster: d.cluster, namespace: d.namespace, name: d.name });
      for (const k of removed) send('pipeline-removed', k);
    });
    const unsubscribePromotions = engine.onChange(record => send('promotion-changed', { ...record.pipeline, id: record.id }));
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      unsubscribePromotions();
    });
  });

  router.get('/v1/entity/:kind/:namespace/:name/pipelines', async (req, res) => {
    const ref = parse(entityParams, req.params, 'path');
    const credentials = await httpAuth.credentials(req);
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`Entity ${stringifyEntityRef(ref)} not found`);
    }
    const entityRef = stringifyEntityRef(entity);
    const [decision] = await permissions.authorize(
      [{ permission: pipelinesPipelineReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed to read the pipelines of ${entityRef}`);
    }
    res.json(resolveEntityPipelines(entity, state, defaultCluster));
  });

  return router;
}
