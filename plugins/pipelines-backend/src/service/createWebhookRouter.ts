import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ConflictError, NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  deliveryDigest,
  WebhookDeliveryStore,
} from '../database/DatabaseWebhookDeliveryStore';
import type { PromotionStore } from '../database/PromotionStore';
import { PromotionEngine } from '../promotion/PromotionEngine';
import { parseApprovalBody } from '../webhooks/approvalRequest';
import {
  AuthenticatedWebhook,
  WebhookAuthenticator,
  WebhookCache,
} from '../webhooks/authenticateWebhook';
import {
  UnprocessableEntityError,
  webhookErrorHandler,
} from '../webhooks/errors';
import {
  eventMismatch,
  notReadyReason,
  parseFluxEvent,
  versionFromRevision,
} from '../webhooks/fluxEvents';
import { readWebhookRateLimit, webhookRateLimits } from '../webhooks/rateLimit';
import { webhookRequestGuard } from '../webhooks/requestGuards';
import { parse } from './parse';

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

/**
 * `pipelines.webhooks.requireSignature`, default true: every webhook must be signed with the
 * key of the promotion strategy it promotes with.
 */
export function webhookRequiresSignature(config?: Config): boolean {
  return (
    config?.getOptionalBoolean('pipelines.webhooks.requireSignature') ?? true
  );
}

/** What the plugin logs at start when `pipelines.webhooks.requireSignature` is false. */
export const UNSIGNED_WEBHOOKS_WARNING =
  'pipelines.webhooks.requireSignature is false: the promotion webhook of a Pipeline whose promotion strategy has no secretRef accepts unsigned events, so anyone who can reach the backend can promote its versions. ' +
  'This setting exists to migrate from pipeline-controller: give each strategy a secretRef to a Secret with hmac-key, sign the Flux Providers (type generic-hmac), then remove it.';

/** The ledger lookup the approval webhook needs: the active row of a version. */
export type WebhookPromotionLookup = Pick<PromotionStore, 'findActive'>;

export interface WebhookRouterOptions {
  cache: WebhookCache;
  engine: Pick<PromotionEngine, 'requestNext' | 'decide'>;
  store: WebhookPromotionLookup;
  /** The accepted deliveries (replay protection), in the plugin's database. */
  deliveries: WebhookDeliveryStore;
  logger: LoggerService;
  /** The management cluster the compatibility paths (which name none) refer to. */
  defaultCluster?: string;
  /**
   * The root config: `pipelines.webhooks.requireSignature` (default true),
   * `pipelines.webhooks.approval` (default false: the approval webhook is off) and
   * `pipelines.webhooks.rateLimit`. Without it, the defaults apply.
   */
  config?: Config;
}

/** The identity the approval webhook approves as: one approver per pipeline, whoever signs. */
export function approvalWebhookActor(key: { namespace: string; name: string }) {
  return `webhook-approval:${key.namespace}/${key.name}`;
}

const rawBody = (req: express.Request) =>
  Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);

/**
 * pipeline-controller's webhooks, unauthenticated (no Backstage token) and protected by an
 * HMAC (`X-Signature: sha256=<hex>`) of the raw body. In order, for each request: JSON only
 * and never from a browser (415 / 403, ../webhooks/requestGuards.ts); the body (at most
 * {@link WEBHOOK_BODY_LIMIT}); the signature, with the key the promotion plan's rule names
 * for the environment promoted into (../webhooks/webhookKeys.ts), before the body is read:
 * every unauthenticated failure answers the same 401 and counts against the client's
 * address (../webhooks/authenticateWebhook.ts, ../webhooks/rateLimit.ts); then a per-pipeline
 * ceiling; then the request itself:
 *
 * - `POST /promotion/{namespace}/{name}/{environment}` (key `hmac-key`): a Flux event saying
 *   the pipeline's app is ready at `metadata.revision` in `environment`; promotes that version
 *   into the next environment. The event must be about the pipeline's app in a target
 *   namespace of `environment` (else 422) and mean "ready" (else 200 `{ignored}`): see
 *   ../webhooks/fluxEvents.ts. The same delivery (route, path and bytes) is acted on once:
 *   a replay answers 200 `{ignored: 'already delivered'}` (for 30 days, across replicas).
 *   `pipelines.webhooks.requireSignature: false` lets a pipeline whose strategy names no
 *   Secret take unsigned events (migration only).
 * - `POST /approval/{namespace}/{name}/{environment}/{revision}` (key `approval-hmac-key` in
 *   the same Secret, never `hmac-key`): approves the waiting promotion of `revision` from
 *   `environment` into the next environment, as `webhook-approval:<namespace>/<name>`. Off
 *   (404) unless `pipelines.webhooks.approval` is true; always signed, with a body naming the
 *   path and a timestamp (../webhooks/approvalRequest.ts).
 *
 * Nothing is recorded unless every check passes.
 */
export function createWebhookRouter(
  options: WebhookRouterOptions,
): express.Router {
  const { cache, engine, store, deliveries, logger, defaultCluster, config } =
    options;
  const approvalEnabled =
    config?.getOptionalBoolean('pipelines.webhooks.approval') ?? false;
  const rateLimit = readWebhookRateLimit(config);
  const limits = {
    promotion: webhookRateLimits('promotion', rateLimit),
    approval: webhookRateLimits('approval', rateLimit),
  };
  const authenticator = (kind: 'promotion' | 'approval') =>
    new WebhookAuthenticator({
      cache,
      logger,
      defaultCluster,
      requireSignature: webhookRequiresSignature(config),
      countRefused: limits[kind].refused,
    });
  const auth = {
    promotion: authenticator('promotion'),
    approval: authenticator('approval'),
  };
  const router = Router();
  const guard = webhookRequestGuard();
  const raw = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });

  /** The path's parameters; a malformed path counts as a refused request. */
  async function pathOf<T extends z.ZodTypeAny>(
    schema: T,
    kind: 'promotion' | 'approval',
    req: express.Request,
    res: express.Response,
  ): Promise<z.infer<T>> {
    try {
      return parse(schema, req.params, 'path');
    } catch (e) {
      await limits[kind].refused(req, res);
      throw e;
    }
  }

  /** Promotes the event's version, once per delivery. */
  async function promote(
    req: express.Request,
    res: express.Response,
    hook: AuthenticatedWebhook,
    params: z.infer<typeof promotionParams>,
  ) {
    const { key, pipeline, environment } = hook;
    const event = parseFluxEvent(rawBody(req));
    const mismatch = eventMismatch(event, pipeline.spec.appRef, environment);
    if (mismatch && !hook.signed)
      await auth.promotion.refuse(
        'promotion',
        req,
        res,
        params,
        `${mismatch} (an unsigned event)`,
      );
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
    const digest = deliveryDigest('promotion', params, rawBody(req));
    if (await deliveries.seen(digest)) {
      logger.info(
        `Webhook for ${key.namespace}/${key.name}/${environment.name} ignored: the same event (version ${version}) was delivered before`,
      );
      res.status(200).json({ ignored: 'already delivered' });
      return;
    }
    const result = await engine.requestNext(
      key,
      params.environment,
      version,
      `webhook:${key.namespace}/${key.name}`,
    );
    // after the request: a failure or a crash before this line leaves the sender's retry free;
    // an event the engine ignored counts too (the same bytes never act twice)
    await deliveries.record(digest, key);
    if (result.ignored !== undefined) {
      logger.info(
        `Webhook for ${key.namespace}/${key.name}/${environment.name} ignored: ${result.ignored}`,
      );
      res.status(200).json({ ignored: result.ignored });
      return;
    }
    res.status(result.created ? 201 : 200).json(result.record);
  }

  router.post(
    '/promotion/:namespace/:name/:environment',
    guard,
    raw,
    async (req, res) => {
      const params = await pathOf(promotionParams, 'promotion', req, res);
      const hook = await auth.promotion.authenticate(
        'promotion',
        params,
        req,
        res,
      );
      await limits.promotion.accepted(req, res);
      await promote(req, res, hook, params);
    },
  );

  router.post(
    '/approval/:namespace/:name/:environment/:revision',
    guard,
    raw,
    async (req, res) => {
      if (!approvalEnabled) {
        throw new NotFoundError(
          'The approval webhook is off: an operator turns it on with pipelines.webhooks.approval: true',
        );
      }
      const params = await pathOf(approvalParams, 'approval', req, res);
      const { key, pipeline, next } = await auth.approval.authenticate(
        'approval',
        params,
        req,
        res,
      );
      await limits.approval.accepted(req, res);
      const body = parseApprovalBody(rawBody(req), params);
      const version = versionFromRevision(
        params.revision,
        pipeline.spec.appRef.kind,
      );
      const record = await store.findActive(key, next, version);
      if (!record)
        throw new NotFoundError(
          `No promotion of ${version} into "${next}" to approve`,
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
