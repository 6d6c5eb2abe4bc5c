import { NotAllowedError } from '@backstage/errors';
import type { Request, RequestHandler } from 'express';
import { UnsupportedMediaTypeError } from './errors';

/** `application/json` or `application/<anything>+json`, with or without parameters (charset). */
const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9!#$&^_.-]+\+)?json$/;

/** Whether a `Content-Type` header names a JSON media type (parameters such as charset allowed). */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const mediaType = header.split(';')[0].trim().toLowerCase();
  return JSON_MEDIA_TYPE.test(mediaType);
}

/**
 * Whether a request was made by a web browser for a page: it carries `Origin` (every
 * cross-origin request and every browser POST does) or `Sec-Fetch-Site` (the Fetch Metadata
 * header browsers add to every request). Flux's notification-controller sends neither.
 * (`Sec-Fetch-Mode` is no sign of a browser: Node's fetch sends `Sec-Fetch-Mode: cors`.)
 */
export function isBrowserRequest(req: Request): boolean {
  return Boolean(req.header('origin') || req.header('sec-fetch-site'));
}

/**
 * The first check of every webhook request, before the rate limit, the body and the
 * signature:
 *
 * - 415 unless the body is declared JSON. A web page can make an employee's browser send a
 *   "simple" cross-origin POST (`text/plain`, `application/x-www-form-urlencoded`,
 *   `multipart/form-data`, or no type) without a CORS preflight; JSON needs one, which
 *   Backstage's CORS policy answers for the app's own origin only.
 * - 403 for a request a browser made (`Origin` or `Sec-Fetch-Site`), whatever its
 *   type: webhooks come from controllers, never from pages, so even the portal's own origin
 *   (which CORS allows) cannot post one from a user's browser.
 */
export function webhookRequestGuard(): RequestHandler {
  return (req, _res, next) => {
    if (!isJsonContentType(req.header('content-type'))) {
      next(
        new UnsupportedMediaTypeError(
          'The webhooks accept JSON only: send Content-Type: application/json',
        ),
      );
      return;
    }
    if (isBrowserRequest(req)) {
      next(
        new NotAllowedError(
          'The webhooks do not accept requests from web browsers (Origin or Sec-Fetch-Site headers): they are for Flux and other controllers',
        ),
      );
      return;
    }
    next();
  };
}
