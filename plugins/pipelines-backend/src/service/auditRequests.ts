import { AuditorService } from '@backstage/backend-plugin-api';
import express from 'express';

/**
 * Audits every state-changing request (POST, PUT, PATCH, DELETE) through Backstage's
 * auditor, whatever its outcome: the actor (from the request's credentials), the route
 * and the HTTP status, as a success below 400 and a failure otherwise — so refused
 * approvals, promotions without the permission and rejected webhooks are on record next
 * to the engine's own events. (Calls without credentials on authenticated routes are
 * refused by Backstage's HTTP router before they reach the plugin.)
 */
export function auditRequests(
  auditor: AuditorService,
  eventId = 'pipelines-request',
): express.RequestHandler {
  return (req, res, next) => {
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method)) {
      next();
      return;
    }
    const meta = { method: req.method, path: req.path };
    const pending = auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      request: req,
      meta,
    });
    res.on('finish', () => {
      void pending
        .then(event =>
          res.statusCode < 400
            ? event.success({ meta: { status: res.statusCode } })
            : event.fail({
                error: new Error(
                  `${req.method} ${req.path} answered HTTP ${res.statusCode}`,
                ),
                meta: { status: res.statusCode },
              }),
        )
        .catch(() => undefined);
    });
    next();
  };
}
