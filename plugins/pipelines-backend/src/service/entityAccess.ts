import { BackstageCredentials, PermissionsService } from '@backstage/backend-plugin-api';
import { CompoundEntityRef, Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { pipelinesPipelineReadPermission } from '@gitops-pipelines/plugin-pipelines-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/** How long an entity and the caller's read decision on it are reused, ms. */
export const ENTITY_ACCESS_TTL_MS = 5_000;

/**
 * The entity behind the entity view and whether the caller may read its pipelines: the
 * catalog lookup and the permission decision are two round trips (each with its own token,
 * HTTP hop and, for the decision, possibly the catalog again), made at once and kept for
 * {@link ENTITY_ACCESS_TTL_MS} per caller and entity — the tab asks again on every live
 * update. A change of the entity or of the caller's rights shows within that time.
 * At most `maxEntries` (1,000) answers are kept; the oldest go first.
 */
export function createEntityAccess(options: { catalog: CatalogService; permissions: PermissionsService; ttlMs?: number; maxEntries?: number }) {
  const { catalog, permissions } = options;
  const ttlMs = options.ttlMs ?? ENTITY_ACCESS_TTL_MS;
  const maxEntries = options.maxEntries ?? 1000;
  const answers = new Map<string, { at: number; answer: Promise<Entity> }>();

  async function lookUp(ref: CompoundEntityRef, credentials: BackstageCredentials): Promise<Entity> {
    const entityRef = stringifyEntityRef({ ...ref, kind: ref.kind.toLocaleLowerCase('en-US') });
    const [entity, [decision]] = await Promise.all([
      catalog.getEntityByRef(ref, { credentials }),
      permissions.authorize([{ permission: pipelinesPipelineReadPermission, resourceRef: entityRef }], { credentials }),
    ]);
    if (!entity) throw new NotFoundError(`Entity ${stringifyEntityRef(ref)} not found`);
    if (decision.result !== AuthorizeResult.ALLOW) throw new NotAllowedError(`Not allowed to read the pipelines of ${stringifyEntityRef(entity)}`);
    return entity;
  }

  /**
   * The entity, when the caller may read its pipelines.
   * @throws NotFoundError (no such entity, or not visible to the caller), NotAllowedError.
   */
  return async function readableEntity(ref: CompoundEntityRef, credentials: BackstageCredentials): Promise<Entity> {
    const principal = credentials.principal as { type: string; userEntityRef?: string; subject?: string };
    const who = principal.userEntityRef ?? principal.subject ?? principal.type;
    const key = `${who}|${ref.kind.toLocaleLowerCase('en-US')}:${ref.namespace.toLocaleLowerCase('en-US')}/${ref.name.toLocaleLowerCase('en-US')}`;
    const now = Date.now();
    const kept = answers.get(key);
    if (kept && now - kept.at < ttlMs) return kept.answer;
    const answer = lookUp(ref, credentials);
    answers.set(key, { at: now, answer });
    if (answers.size > maxEntries) answers.delete(answers.keys().next().value!);
    // A failure of the catalog or the permission backend itself is not kept.
    answer.catch(e => {
      if (!(e instanceof NotFoundError || e instanceof NotAllowedError)) answers.delete(key);
    });
    return answer;
  };
}
