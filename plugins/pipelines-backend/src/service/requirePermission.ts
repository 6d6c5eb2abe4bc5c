import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  getEntityPipelineCluster,
  getEntityPipelineRefs,
  PipelineKey,
  pipelinesPipelineReadPermission,
} from '@gitops-pipelines/plugin-pipelines-common';
import express from 'express';
import { callerId, createCallerCache } from './callerCache';

/** Any Express request, whatever its typed parameters (the OpenAPI router types them). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRequest = express.Request<any, any, any, any>;

export interface PermissionCheckOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  defaultCluster?: string;
}

/**
 * Whether an entity's annotations link it to a pipeline: its `pipelines.weave.works/pipeline`
 * refs name the pipeline, on the cluster its `pipelines.weave.works/cluster` names (else
 * `defaultCluster`).
 */
export function entityLinksPipeline(
  entity: Entity,
  key: PipelineKey,
  defaultCluster: string | undefined,
): boolean {
  const cluster = getEntityPipelineCluster(entity) ?? defaultCluster;
  return (
    cluster === key.cluster &&
    getEntityPipelineRefs(entity).refs.some(
      r => r.namespace === key.namespace && r.name === key.name,
    )
  );
}

/** Who acts: the user's entity ref, or `service:<subject>` for a calling service. */
export function actor(credentials: BackstageCredentials): string {
  const principal = credentials.principal as
    | BackstageUserPrincipal
    | BackstageServicePrincipal;
  return principal.type === 'user'
    ? principal.userEntityRef
    : `service:${principal.subject}`;
}

/** The permission checks of the pipelines routes, server-side, with the caller's credentials. */
export function createPermissionChecks(options: PermissionCheckOptions) {
  const { httpAuth, permissions, catalog, defaultCluster } = options;
  const readDecisions = createCallerCache<void>();

  /**
   * Checks `pipelines.pipeline.read` without an entity. Pipelines outside the catalog are
   * visible only on an unconditional ALLOW; a conditional decision (rules about entities)
   * cannot be evaluated without an entity, so it denies. The decision is kept per caller for
   * 5 s ({@link createCallerCache}): reads are frequent (every live update), rights change rarely.
   */
  async function requireRead(req: AnyRequest) {
    await requireReadFor(await httpAuth.credentials(req));
  }

  /** {@link requireRead} for credentials that did not come with an HTTP request (actions). */
  async function requireReadFor(credentials: BackstageCredentials) {
    await readDecisions(callerId(credentials), async () => {
      const [decision] = await permissions.authorizeConditional(
        [{ permission: pipelinesPipelineReadPermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW)
        throw new NotAllowedError('Not allowed to read pipelines');
    });
  }

  /**
   * Checks a permission for an action on a pipeline. With `entityRef`, the entity must link
   * to the pipeline and the decision is about that entity (catalog rules apply); without,
   * only an unconditional ALLOW passes.
   * @throws NotAllowedError (403), NotFoundError for an unknown entity, InputError for an entity not linked to the pipeline.
   */
  async function authorizeOnPipeline(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    key: PipelineKey,
    entityRef: string | undefined,
  ) {
    if (!entityRef) {
      const [d] = await permissions.authorizeConditional([{ permission }], {
        credentials,
      });
      if (d.result !== AuthorizeResult.ALLOW)
        throw new NotAllowedError(`Not allowed: ${permission.name}`);
      return;
    }
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`Entity ${entityRef} not found`);
    if (!entityLinksPipeline(entity, key, defaultCluster))
      throw new InputError(
        `${entityRef} is not linked to pipeline ${key.namespace}/${key.name} on ${key.cluster}`,
      );
    const [d] = await permissions.authorize(
      [{ permission, resourceRef: stringifyEntityRef(entity) }],
      { credentials },
    );
    if (d.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(
        `Not allowed: ${permission.name} on ${stringifyEntityRef(entity)}`,
      );
  }

  /**
   * Authenticates the caller (`allow`: users and services by default; never anonymous) and
   * checks `permission` on the pipeline. Returns who acts.
   */
  async function authorizeAction(
    req: AnyRequest,
    permission: ResourcePermission<'catalog-entity'>,
    key: PipelineKey,
    entityRef?: string,
    allow: Array<'user' | 'service'> = ['user', 'service'],
  ) {
    const credentials = await httpAuth.credentials(req, { allow });
    await authorizeOnPipeline(credentials, permission, key, entityRef);
    return actor(credentials);
  }

  return { requireRead, requireReadFor, authorizeOnPipeline, authorizeAction };
}
