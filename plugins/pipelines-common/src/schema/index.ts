import type { components, paths } from './openapi.generated';

/**
 * The pipelines REST API as openapi-typescript types it from the backend's
 * `src/schema/openapi.yaml` (generated; `yarn openapi:generate`): every path, with its
 * operations' parameters, request bodies and responses.
 * @public
 */
export type PipelinesApiPaths = paths;

/** The API's named schemas (`components.schemas` of the document). @public */
export type PipelinesApiSchemas = components['schemas'];

/** A path template of the API, e.g. `/v1/promotions/{id}`. @public */
export type PipelinesApiPath = keyof PipelinesApiPaths;

/** The HTTP methods an API path has, lower case. @public */
export type PipelinesApiMethod<P extends PipelinesApiPath> = {
  [M in 'get' | 'post' | 'delete']: PipelinesApiPaths[P][M] extends {
    responses: unknown;
  }
    ? M
    : never;
}['get' | 'post' | 'delete'];

type Operation<
  P extends PipelinesApiPath,
  M extends PipelinesApiMethod<P>,
> = PipelinesApiPaths[P][M];
type JsonContent<T> = T extends { content: { 'application/json': infer B } }
  ? B
  : never;

/** The JSON body of an operation's 200 or 201 response. @public */
export type PipelinesApiResponse<
  P extends PipelinesApiPath,
  M extends PipelinesApiMethod<P>,
> = Operation<P, M> extends { responses: infer R }
  ? JsonContent<R[Extract<keyof R, 200 | 201>]>
  : never;

/** The JSON request body of an operation (`undefined` when it takes none). @public */
export type PipelinesApiRequestBody<
  P extends PipelinesApiPath,
  M extends PipelinesApiMethod<P>,
> = Operation<P, M> extends { requestBody?: infer B }
  ? JsonContent<NonNullable<B>> | undefined
  : undefined;

/** The path and query parameters of an operation. @public */
export type PipelinesApiParameters<
  P extends PipelinesApiPath,
  M extends PipelinesApiMethod<P>,
> = Operation<P, M> extends { parameters: infer A }
  ? {
      path?: A extends { path?: infer X } ? X : never;
      query?: A extends { query?: infer Q } ? Q : never;
    }
  : never;
