import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  Pipeline,
  PipelineKey,
  validatePipeline,
} from '@gitops-pipelines/plugin-pipelines-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { PipelineCache } from '../cache/PipelineCache';
import type { PromotionStore } from '../database/PromotionStore';
import { PromotionEngine } from '../promotion/PromotionEngine';
import { parseApprovalBody } from '../webhooks/approvalRequest';
import {
  UnprocessableEntityError,
  webhookErrorHandler,
  WarmingUpError,
} from '../webhooks/errors';
import {
  eventMismatch,
  fluxEventSchema,
  notReadyReason,
  versionFromRevision,
} from '../webhooks/fluxEvents';
import {
  readWebhookRateLimit,
  webhookRateLimiter,
} from '../webhooks/rateLimit';
import { parse } from './parse';
import { verifySignature } from './signature';

/** The largest webhook body accepted; Flux events are a few hundred bytes. */
export const WEBHOOK_BODY_LIMIT = '64kb';

const label = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
  .max(63);
const promotionParams = z.object({
  namespace: label,
  name: z.string().min(1).max(253),
  environment: z.string().min(1).max(63),
});
const approvalParams = promotionParams.extend({
  revision: z.string().min(1).max(255),
});

/** The ledger lookup the approval webhook needs: the active row of a version. */
export type WebhookPromotionLookup = Pick<PromotionStore, 'findActive'>;

export interface WebhookRouterOptions {
  cache: PipelineCache;
  engine: Pick<PromotionEngine, 'requestNext' | 'decide'>;
  store: WebhookPromotionLookup;
  logger: LoggerService;
  /** The management cluster the compatibility paths (which name none) refer to. */
  defaultCluster?: string;
  /**
   * The root config: `pipelines.webhooks.approval` (default false: the approval webhook is
   * off) and `pipelines.webhooks.rateLimit`. Without it, the defaults apply.
   */
  config?: Config;
}

/** The identity the approval webhook approves as: one approver per pipeline, whoever signs. */
export function approvalWebhookActor(key: { namespace: string; name: string }) {
  return `webhook-approval:${key.namespace}/${key.name}`;
}

/**
 * pipeline-controller's webhooks, unauthenticated (no Backstage token), rate limited per
 * pipeline, and protected by an HMAC (`X-Signature: sha256=<hex>`) of the raw body with the
 * `hmac-key` of the promotion strategy's `secretRef` Secret:
 *
 * - `POST /promotion/{namespace}/{name}/{environment}`: a Flux event saying the pipeline's app
 *   is ready at `metadata.revision` in `environment`; promotes that version into the next
 *   environment. Signed when the strategy has a `secretRef` (as pipeline-controller did; an
 *   unsigned pipeline is logged once as a warning). The event must be about the pipeline's app
 *   in a target namespace of `environment` (else 422) and mean "ready" (else 200
 *   `{ignored}`): see ../webhooks/fluxEvents.ts.
 * - `POST /approval/{namespace}/{name}/{environment}/{revision}`: approves the waiting
 *   promotion of `revision` from `environment` into the next environment, as
 *   `webhook-approval:<namespace>/<name>`. Off (404) unless `pipelines.webhooks.approval` is
 *   true; refused (403) unless the strategy of the environment promoted into has a `secretRef`
 *   whose Secret has `hmac-key`; always signed, with a body naming the path and a timestamp
 *   (../webhooks/approvalRequest.ts).
 *
 * Nothing is recorded unless every check passes.
 */
export function createWebhookRouter(
  options: WebhookRouterOptions,
): express.Router {
  const { cache, engine, store, logger, defaultCluster, config } = options;
  const approvalEnabled =
    config?.getOptionalBoolean('pipelines.webhooks.approval') ?? false;
  const rateLimit = readWebhookRateLimit(config);
  const router = Router();
  const raw = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });
  const warnedUnsigned = new Set<string>();

  /** The pipeline, the path's environment and the one after it, and the strategy's secretRef for promotions into it. */
  function target(params: {
    namespace: string;
    name: string;
    environment: string;
  }) {
    if (!defaultCluster)
      throw new NotFoundError('No management cluster is configured');
    const key: PipelineKey = {
      cluster: defaultCluster,
      namespace: params.namespace,
      name: params.name,
    };
    const found = cache.getPipelineObject(key);
    const result = found && validatePipeline(found.object);
    if (!found && cache.warmingUp(defaultCluster)) throw new WarmingUpError();
    if (!result?.valid)
      throw new NotFoundError(
        `Pipeline ${params.namespace}/${params.name} not found or invalid`,
      );
    const pipeline: Pipeline = result.pipeline;
    const envs = pipeline.spec.environments;
    const index = envs.findIndex(e => e.name === params.environment);
    if (index === -1)
      throw new NotFoundError(
        `Environment "${params.environment}" is not in pipeline ${params.namespace}/${params.name}`,
      );
    const next = envs[index + 1];
    // The environment's own strategy, else the pipeline's: a Secret named at either level is required.
    const secretName =
      next?.promotion?.strategy.secretRef?.name ??
      pipeline.spec.promotion?.strategy.secretRef?.name;
    return { key, pipeline, environment: envs[index], next, secretName };
  }

  function hmacKeyOf(key: PipelineKey, secretName: string) {
    return (
      cache.getSecretValue(
        key.cluster,
        key.namespace,
        secretName,
        'hmac-key',
      ) || undefined
    );
  }

  function checkSignature(req: express.Request, hmacKey: string) {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifySignature(req.header('x-signature'), body, hmacKey)) {
      throw new AuthenticationError('Invalid or missing X-Signature');
    }
  }

  function parseEvent(req: express.Request) {
    let json: unknown;
    try {
      json = JSON.parse(
        Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
      );
    } catch {
      throw new InputError('The body is not JSON');
    }
    const event = fluxEventSchema.safeParse(json);
    if (!event.success) {
      throw new InputError(
        `Not a Flux event: ${event.error.issues
          .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
          .join('; ')}`,
      );
    }
    return event.data;
  }

  router.post(
    '/promotion/:namespace/:name/:environment',
    webhookRateLimiter('promotion', rateLimit),
    raw,
    async (req, res) => {
      const params = parse(promotionParams, req.params, 'path');
      const { key, pipeline, environment, next, secretName } = target(params);
      if (secretName) {
        const hmacKey = hmacKeyOf(key, secretName);
        if (!hmacKey && cache.warmingUp(key.cluster, key.namespace))
          throw new WarmingUpError();
        if (!hmacKey) {
          logger.warn(
            `Webhook for ${key.namespace}/${key.name} refused: Secret ${key.namespace}/${secretName} has no hmac-key`,
          );
          throw new AuthenticationError('The signature cannot be verified');
        }
        checkSignature(req, hmacKey);
      } else if (!warnedUnsigned.has(`${key.namespace}/${key.name}`)) {
        warnedUnsigned.add(`${key.namespace}/${key.name}`);
        logger.warn(
          `The promotion webhook of pipeline ${key.namespace}/${key.name} is not signed: anyone who can reach it can promote a version. ` +
            `Give its promotion strategy a secretRef to a Secret with hmac-key, and the Flux Provider the same Secret (type generic-hmac).`,
        );
      }
      const event = parseEvent(req);
      if (!next)
        throw new InputError(
          `"${params.environment}" is the last environment: nothing to promote into`,
        );
      const mismatch = eventMismatch(event, pipeline.spec.appRef, environment);
      if (mismatch) throw new UnprocessableEntityError(mismatch);
      const notReady = notReadyReason(event, pipeline.spec.appRef.kind);
      if (notReady) {
        logger.debug(
          `Webhook for ${key.namespace}/${key.name}/${environment.name} ignored: ${notReady}`,
        );
        res.status(200).json({ ignored: notReady });
        return;
      }
      const version = versionFromRevision(
        event.metadata.revision,
        pipeline.spec.appRef.kind,
        event.metadata,
      );
      const { record, created } = await engine.requestNext(
        key,
        params.environment,
        version,
        `webhook:${key.namespace}/${key.name}`,
      );
      res.status(created ? 201 : 200).json(record);
    },
  );

  router.post(
    '/approval/:namespace/:name/:environment/:revision',
    webhookRateLimiter('approval', rateLimit),
    raw,
    async (req, res) => {
      if (!approvalEnabled) {
        throw new NotFoundError(
          'The approval webhook is off: an operator turns it on with pipelines.webhooks.approval: true',
        );
      }
      const params = parse(approvalParams, req.params, 'path');
      const { key, pipeline, next, secretName } = target(params);
      if (!next)
        throw new InputError(
          `"${params.environment}" is the last environment: nothing to approve`,
        );
      const hmacKey = secretName && hmacKeyOf(key, secretName);
      if (!hmacKey) {
        throw new NotAllowedError(
          `The approval webhook of ${key.namespace}/${key.name} is off for "${next.name}": its promotion strategy needs a secretRef to a Secret with hmac-key`,
        );
      }
      checkSignature(req, hmacKey);
      const body = parseApprovalBody(
        Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        params,
      );
      const version = versionFromRevision(
        params.revision,
        pipeline.spec.appRef.kind,
      );
      const record = await store.findActive(key, next.name, version);
      if (!record)
        throw new NotFoundError(
          `No promotion of ${version} into "${next.name}" to approve`,
        );
      const actor = approvalWebhookActor(key);
      if (record.approvals?.some(a => a.by === actor)) {
        throw new ConflictError(
          `The approval webhook has already approved promotion ${record.id}: it counts as one approver`,
        );
      }
      const decided = await engine.decide(
        record.id,
        'approved',
        actor,
        body.reason,
      );
      res.json(decided);
    },
  );

  router.use(webhookErrorHandler(logger));
  return router;
}
