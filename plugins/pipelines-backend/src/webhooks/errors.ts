import { LoggerService } from '@backstage/backend-plugin-api';
import { CustomErrorBase, ServiceUnavailableError } from '@backstage/errors';
import { randomBytes } from 'crypto';
import type { ErrorRequestHandler } from 'express';

/**
 * 422: the request is well-formed and authentic but does not apply where it was sent (an
 * event about another app or environment, a signed approval for another path). Backstage's
 * error handler answers with the error's `statusCode`.
 */
export class UnprocessableEntityError extends CustomErrorBase {
  name = 'UnprocessableEntityError' as const;
  // a getter, so that the serialized body (own enumerable properties) stays {name, message}
  get statusCode() {
    return 422;
  }
}

/** 429: too many webhook requests for one pipeline; `Retry-After` says when to come back. */
export class TooManyRequestsError extends CustomErrorBase {
  name = 'TooManyRequestsError' as const;
  get statusCode() {
    return 429;
  }
}

/** Errors of @backstage/errors whose message is written for the caller, 5xx included. */
const CALLER_ERRORS = new Set([
  'ServiceUnavailableError',
  'NotImplementedError',
]);

function statusOf(error: unknown): number {
  const e = error as { statusCode?: unknown; status?: unknown; name?: unknown };
  for (const s of [e?.statusCode, e?.status]) {
    if (typeof s === 'number' && Number.isInteger(s) && s >= 100 && s <= 599)
      return s;
  }
  switch (e?.name) {
    case 'InputError':
      return 400;
    case 'AuthenticationError':
      return 401;
    case 'NotAllowedError':
      return 403;
    case 'NotFoundError':
      return 404;
    case 'ConflictError':
      return 409;
    default:
      return 500;
  }
}

function stripStacks(error: unknown) {
  const seen = new Set<unknown>();
  let node = error as { stack?: unknown; cause?: unknown } | undefined;
  while (node && typeof node === 'object' && !seen.has(node)) {
    seen.add(node);
    delete node.stack;
    node = node.cause as typeof node;
  }
}

/**
 * The webhook routes' error handler, before Backstage's: error bodies of the unauthenticated
 * paths never carry a stack trace (Backstage's handler adds one when NODE_ENV=development), and
 * an unexpected error (5xx: a database or file-system error whose message may name hosts or
 * server paths) is logged with an id and answered "An internal error occurred (logId=…)".
 * Client errors (4xx, written by this plugin or by the body parser) keep their message; a 503
 * (the backend is still listing Pipelines or Secrets) carries `Retry-After: 5`.
 */
export function webhookErrorHandler(
  logger: LoggerService,
): ErrorRequestHandler {
  return (error, _req, res, next) => {
    const status = statusOf(error);
    // 503s here are temporary (the backend is starting): Flux's notification-controller and other senders retry.
    if (
      (error as Error)?.name === 'ServiceUnavailableError' &&
      !res.headersSent
    )
      res.setHeader('Retry-After', '5');
    if (status < 500 || CALLER_ERRORS.has((error as Error)?.name)) {
      stripStacks(error);
      next(error);
      return;
    }
    const logId = randomBytes(8).toString('hex');
    logger.error(
      `Webhook request failed (logId=${logId})`,
      error instanceof Error ? error : new Error(String(error)),
    );
    const safe = new Error(`An internal error occurred (logId=${logId})`);
    delete safe.stack;
    next(safe);
  };
}

/**
 * 503 while the watch cache has not yet listed the management cluster's Pipelines (or the
 * Secrets of the Pipeline's namespace): "not found" would be wrong, and the sender may retry.
 */
export class WarmingUpError extends ServiceUnavailableError {
  constructor() {
    super(
      'The pipelines backend is starting and has not yet read the Pipelines and their Secrets; retry in a few seconds',
    );
  }
}

/** The message of {@link WebhookUnauthorizedError}. */
export const WEBHOOK_UNAUTHORIZED_MESSAGE =
  'Unauthorized: the request is not signed for this pipeline (X-Signature: sha256=<hex HMAC of the body> with the key of its promotion strategy)';

/**
 * The one answer an unauthenticated webhook caller gets, whatever was wrong: no such pipeline
 * or environment, an environment whose promotion strategy has no key, a missing or bad
 * signature, an event about another app. Same status, same body; the reason goes to the log.
 */
export class WebhookUnauthorizedError extends CustomErrorBase {
  name = 'AuthenticationError' as const;
  constructor() {
    super(WEBHOOK_UNAUTHORIZED_MESSAGE);
  }
  get statusCode() {
    return 401;
  }
}

/** 415: the webhooks take JSON only (`application/json`, `application/*+json`). */
export class UnsupportedMediaTypeError extends CustomErrorBase {
  name = 'UnsupportedMediaTypeError' as const;
  get statusCode() {
    return 415;
  }
}
