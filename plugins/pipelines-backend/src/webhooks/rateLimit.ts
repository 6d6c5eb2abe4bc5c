import { Config } from '@backstage/config';
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { TooManyRequestsError } from './errors';

/** The webhook rate limit: at most `requests` per `windowSeconds` per pipeline and path kind. */
export interface WebhookRateLimit {
  requests: number;
  windowSeconds: number;
}

export const DEFAULT_WEBHOOK_RATE_LIMIT: WebhookRateLimit = {
  requests: 30,
  windowSeconds: 10,
};

/** `pipelines.webhooks.rateLimit`, with the defaults. */
export function readWebhookRateLimit(config?: Config): WebhookRateLimit {
  const c = config?.getOptionalConfig('pipelines.webhooks.rateLimit');
  const requests =
    c?.getOptionalNumber('requests') ?? DEFAULT_WEBHOOK_RATE_LIMIT.requests;
  const windowSeconds =
    c?.getOptionalNumber('windowSeconds') ??
    DEFAULT_WEBHOOK_RATE_LIMIT.windowSeconds;
  if (!Number.isInteger(requests) || requests < 1)
    throw new Error(
      'pipelines.webhooks.rateLimit.requests must be a positive integer',
    );
  if (!(windowSeconds > 0))
    throw new Error(
      'pipelines.webhooks.rateLimit.windowSeconds must be positive',
    );
  return { requests, windowSeconds };
}

/**
 * Express middleware limiting an unauthenticated webhook route per pipeline (the
 * `:namespace/:name` of the path, whatever the environment or revision): past the limit the
 * answer is 429 with `Retry-After` (seconds until the window ends) and the RateLimit headers
 * of the IETF draft, and nothing else is done — not even the HMAC check. Counts are kept in
 * memory per backend replica (express-rate-limit's MemoryStore, which forgets a window's keys
 * when it ends, so unknown paths cannot grow it without bound).
 */
export function webhookRateLimiter(
  route: 'promotion' | 'approval',
  limit: WebhookRateLimit,
): RequestHandler {
  return rateLimit({
    windowMs: limit.windowSeconds * 1000,
    limit: limit.requests,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: req =>
      `${route}:${req.params.namespace ?? ''}/${req.params.name ?? ''}`,
    handler: (req, _res, next) =>
      next(
        new TooManyRequestsError(
          `Too many ${route} webhook requests for pipeline ${req.params.namespace}/${req.params.name}: at most ${limit.requests} per ${limit.windowSeconds} s; retry after the Retry-After delay`,
        ),
      ),
    // the key is the pipeline, not the client address: the IP checks do not apply
    validate: {
      ip: false,
      trustProxy: false,
      xForwardedForHeader: false,
      forwardedHeader: false,
      keyGeneratorIpFallback: false,
    },
  });
}
