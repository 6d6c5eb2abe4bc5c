import { Config } from '@backstage/config';
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { TooManyRequestsError } from './errors';

/**
 * The webhook rate limits, per `windowSeconds`: `requests` refused (unauthenticated) requests
 * per client address, and `signedRequests` accepted ones per pipeline.
 */
export interface WebhookRateLimit {
  requests: number;
  signedRequests: number;
  windowSeconds: number;
}

export const DEFAULT_WEBHOOK_RATE_LIMIT: WebhookRateLimit = {
  requests: 30,
  signedRequests: 300,
  windowSeconds: 10,
};

function positiveInteger(c: Config | undefined, key: keyof WebhookRateLimit) {
  const n = c?.getOptionalNumber(key) ?? DEFAULT_WEBHOOK_RATE_LIMIT[key];
  if (!Number.isInteger(n) || n < 1)
    throw new Error(
      `pipelines.webhooks.rateLimit.${key} must be a positive integer, got ${n}`,
    );
  return n;
}

/** `pipelines.webhooks.rateLimit`, with the defaults. */
export function readWebhookRateLimit(config?: Config): WebhookRateLimit {
  const c = config?.getOptionalConfig('pipelines.webhooks.rateLimit');
  const windowSeconds =
    c?.getOptionalNumber('windowSeconds') ??
    DEFAULT_WEBHOOK_RATE_LIMIT.windowSeconds;
  if (!(windowSeconds > 0))
    throw new Error(
      'pipelines.webhooks.rateLimit.windowSeconds must be positive',
    );
  return {
    requests: positiveInteger(c, 'requests'),
    signedRequests: positiveInteger(c, 'signedRequests'),
    windowSeconds,
  };
}

/** The client a request counts against: its address as Express sees it (`backend.trustProxy`). */
export function clientOf(req: Request): string {
  // IPv6 addresses count per /56, as express-rate-limit recommends (one host holds many)
  return req.ip ? ipKeyGenerator(req.ip) : 'unknown';
}

type Route = 'promotion' | 'approval';

function limiter(options: {
  limit: number;
  windowSeconds: number;
  key: (req: Request) => string;
  message: (req: Request) => string;
}): RequestHandler {
  return rateLimit({
    windowMs: options.windowSeconds * 1000,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: options.key,
    handler: (req, _res, next) =>
      next(new TooManyRequestsError(options.message(req))),
    // keys are built with ipKeyGenerator; the checks of req.ip and trust proxy stay on
    validate: { keyGeneratorIpFallback: false },
  });
}

/** Runs a middleware inside a route: resolves when it calls next(), rejects with its error. */
function run(handler: RequestHandler, req: Request, res: Response) {
  return new Promise<void>((resolve, reject) =>
    handler(req, res, (error?: unknown) => (error ? reject(error) : resolve())),
  );
}

/**
 * The webhooks' two rate limits, kept in memory per backend replica (express-rate-limit's
 * MemoryStore forgets a window's keys when it ends, so junk keys cannot grow it):
 *
 * - `refused(req, res)`: called for each request refused before it was authenticated (no
 *   such pipeline, no key, bad signature…), counted per client address, so that a flood
 *   from anywhere does not silence Flux: its signed events are never counted here. Past
 *   `requests` the flooder's refusals become 429 with `Retry-After`.
 * - `accepted(req, res)`: called once a request is authenticated (or allowed unsigned by
 *   `requireSignature: false`), counted per pipeline, past `signedRequests` 429: a bound on
 *   the work one pipeline's key can cause.
 */
export function webhookRateLimits(route: Route, limit: WebhookRateLimit) {
  const perClient = limiter({
    limit: limit.requests,
    windowSeconds: limit.windowSeconds,
    key: req => `${route}:${clientOf(req)}`,
    message: () =>
      `Too many refused ${route} webhook requests from this address: at most ${limit.requests} per ${limit.windowSeconds} s; retry after the Retry-After delay`,
  });
  const perPipeline = limiter({
    limit: limit.signedRequests,
    windowSeconds: limit.windowSeconds,
    key: req =>
      `${route}:${req.params.namespace ?? ''}/${req.params.name ?? ''}`,
    message: req =>
      `Too many ${route} webhook requests for pipeline ${req.params.namespace}/${req.params.name}: at most ${limit.signedRequests} per ${limit.windowSeconds} s; retry after the Retry-After delay`,
  });
  return {
    refused: (req: Request, res: Response) => run(perClient, req, res),
    accepted: (req: Request, res: Response) => run(perPipeline, req, res),
  };
}
