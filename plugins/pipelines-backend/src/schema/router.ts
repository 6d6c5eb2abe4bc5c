import {
  ApiRouter,
  createValidatedOpenApiRouter,
} from '@backstage/backend-openapi-utils';
import express from 'express';
import { spec } from './openapi.generated';

/** An Express router typed by the pipelines REST API's OpenAPI document (`openapi.yaml`). */
export type PipelinesApiRouter = ApiRouter<typeof spec>;

/**
 * The router of the REST API, typed and validated from `openapi.yaml` with
 * `@backstage/backend-openapi-utils` (express-openapi-validator): a request whose path
 * parameters, query or body do not match the document is answered 400 (InputError) before
 * a handler runs; the document is served at `/openapi.json`. With `validateResponses`
 * (on under jest), a response that does not match the document fails the request, so the
 * whole test suite checks the code against the contract.
 */
export function createPipelinesApiRouter(options: {
  validateResponses: boolean;
}): PipelinesApiRouter {
  return createValidatedOpenApiRouter<typeof spec>(spec, {
    middleware: [express.json({ limit: '64kb' })],
    validatorOptions: { validateResponses: options.validateResponses },
  });
}
