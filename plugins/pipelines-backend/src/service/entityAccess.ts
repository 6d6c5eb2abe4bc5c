import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { pipelinesPipelineReadPermission } from '@gitops-pipelines/plugin-pipelines-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { callerId, createCallerCache } from './callerCache';

/**
 * The entity behind the entity view and whether the caller may read its pipelines: the
 * catalog lookup and the permission decision are two round trips (each with its own token,
 * HTTP hop and, for the decision, possibly the catalog again), made at once and kept per
 * caller and entity for `ttlMs` (default 5 s, {@link createCallerCache}) — the tab asks again
 * on every live update. A change of the entity or of the caller's rights shows within that
 * time. At most `maxEntries` (1,000) answers are kept.
 */
export function createEntityAccess(options: {
  catalog: CatalogService;
  permissions: PermissionsService;
  ttlMs?: number;
  maxEntries?: number;
}) {
  const { catalog, permissions } = options;
  const cached = createCallerCache<Entity>({
    ttlMs: options.ttlMs,
    max: options.maxEntries,
  });

  async function lookUp(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entityRef = stringifyEntityRef({
      ...ref,
      kind: ref.kind.toLocaleLowerCase('en-US'),
    });
    const [entity, [decision]] = await Promise.all([
      catalog.getEntityByRef(ref, { credentials }),
      permissions.authorize(
        [
          {
            permission: pipelinesPipelineReadPermission,
            resourceRef: entityRef,
          },
        ],
        { credentials },
      ),
    ]);
    if (!entity)
      throw new NotFoundError(`Entity ${stringifyEntityRef(ref)} not found`);
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(
        `Not allowed to read the pipelines of ${stringifyEntityRef(entity)}`,
      );
    return entity;
  }

  /**
   * The entity, when the caller may read its pipelines.
   * @throws NotFoundError (no such entity, or not visible to the caller), NotAllowedError.
   */
  return function readableEntity(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const lower = (s: string) => s.toLocaleLowerCase('en-US');
    const key = `${callerId(credentials)}|${lower(ref.kind)}:${lower(
      ref.namespace,
    )}/${lower(ref.name)}`;
    return cached(key, () => lookUp(ref, credentials));
  };
}
