import { LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError, InputError, NotFoundError } from '@backstage/errors';
import {
  PipelineKey,
  Promotion,
  validatePipeline,
} from '@gitops-pipelines/plugin-pipelines-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { PipelineCache } from '../cache/PipelineCache';
import { PromotionStore } from '../database/PromotionStore';
import { PromotionEngine } from '../promotion/PromotionEngine';
import { parse } from './parse';
import { verifySignature, versionFromRevision } from './signature';

/** The largest webhook body accepted; Flux events are a few hundred bytes. */
export const WEBHOOK_BODY_LIMIT = '64kb';

const label = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).max(63);
const promotionParams = z.object({ namespace: label, name: z.string().min(1).max(253), environment: z.string().min(1).max(63) });
const approvalParams = promotionParams.extend({ revision: z.string().min(1).max(255) });

/** The Flux notification-controller event body (fields pipeline-controller reads). */
const fluxEvent = z.object({
  involvedObject: z.object({ kind: z.string().optional(), name: z.string().optional(), namespace: z.string().optional() }).passthrough().optional(),
  metadata: z.object({ revision: z.string().min(1) }).passthrough(),
  message: z.string().optional(),
  reason: z.string().optional(),
  severity: z.string().optional(),
});

export interface WebhookRouterOptions {
  cache: PipelineCache;
  engine: PromotionEngine;
  store: PromotionStore;
  logger: LoggerService;
  /** The management cluster the compatibility paths (which name none) refer to. */
  defaultCluster?: string;
}

/**
 * pipeline-controller's webhooks, unauthenticated and protected by an HMAC of the raw
 * body when the promotion's Secret has `hmac-key`:
 * - `POST /promotion/{namespace}/{name}/{environment}`: Flux event; promote
 *   `metadata.revision` from `environment` to the next environment;
 * - `POST /approval/{namespace}/{name}/{environment}/{revision}`: approve the waiting
 *   promotion of `revision` from `environment`.
 * Nothing is recorded unless the signature, the pipeline and the body are all good.
 */
export function createWebhookRouter(options: WebhookRouterOptions): express.Router {
  const { cache, engine, store, logger, defaultCluster } = options;
  const router = Router();
  const raw = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });

  /** The pipeline and the promotion settings of the environment after `environment`. */
  function target(params: { namespace: string; name: string; environment: string }) {
    if (!defaultCluster) throw new NotFoundError('No management cluster is configured');
    const key: PipelineKey = { cluster: defaultCluster, namespace: params.namespace, name: params.name };
    const found = cache.getPipelineObject(key);
    const result = found && validatePipeline(found.object);
    if (!result?.valid) throw new NotFoundError(`Pipeline ${params.namespace}/${params.name} not found or invalid`);
    const envs = result.pipeline.spec.environments;
    const index = envs.findIndex(e => e.name === params.environment);
    if (index === -1) throw new NotFoundError(`Environment "${params.environment}" is not in pipeline ${params.namespace}/${params.name}`);
    const next = envs[index + 1];
    const promotion: Promotion | undefined = next?.promotion ?? result.pipeline.spec.promotion;
    return { key, next, promotion };
  }

  function checkSignature(req: express.Request, key: PipelineKey, promotion: Promotion | undefined) {
    const secretName = promotion?.strategy.secretRef?.name;
    if (!secretName) return;
    const hmacKey = cache.getSecretValue(key.cluster, key.namespace, secretName, 'hmac-key');
    if (!hmacKey) {
      logger.warn(`Webhook for ${key.namespace}/${key.name} refused: Secret ${key.namespace}/${secretName} has no hmac-key`);
      throw new AuthenticationError('The signature cannot be verified');
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifySignature(req.header('x-signature'), body, hmacKey)) {
      throw new AuthenticationError('Invalid or missing X-Signature');
    }
  }

  function parseEvent(req: express.Request) {
    let json: unknown;
    try {
      json = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    } catch {
      throw new InputError('The body is not JSON');
    }
    const event = fluxEvent.safeParse(json);
    if (!event.success) {
      throw new InputError(`Not a Flux event: ${event.error.issues.map(i => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
    }
    return event.data;
  }

  router.post('/promotion/:namespace/:name/:environment', raw, async (req, res) => {
    const params = parse(promotionParams, req.params, 'path');
    const { key, next, promotion } = target(params);
    checkSignature(req, key, promotion);
    const event = parseEvent(req);
    if (!next) throw new InputError(`"${params.environment}" is the last environment: nothing to promote into`);
    const version = versionFromRevision(event.metadata.revision);
    const { record, created } = await engine.requestNext(key, params.environment, version, `webhook:${key.namespace}/${key.name}`);
    res.status(created ? 201 : 200).json(record);
  });

  router.post('/approval/:namespace/:name/:environment/:revision', raw, async (req, res) => {
    const params = parse(approvalParams, req.params, 'path');
    const { key, next, promotion } = target(params);
    checkSignature(req, key, promotion);
    if (!next) throw new InputError(`"${params.environment}" is the last environment: nothing to approve`);
    const version = versionFromRevision(params.revision);
    const record = await store.findActive(key, next.name, version);
    if (!record) throw new NotFoundError(`No promotion of ${version} into "${next.name}" to approve`);
    const decided = await engine.decide(record.id, 'approved', `webhook-approval:${key.namespace}/${key.name}`);
    res.json(decided);
  });

  return router;
}
