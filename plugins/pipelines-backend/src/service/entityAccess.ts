import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { callerId, createCallerCache } from './callerCache';

/**
 * The entity behind the entity view, as the catalog shows it to the caller (the catalog's
 * own read rules apply), kept per caller and entity for `ttlMs` (default 5 s,
 * {@link createCallerCache}) — the tab asks again on every live update. At most
 * `maxEntries` (1,000) answers are kept.
 *
 * The entity only says which pipelines to show (its `pipelines.weave.works/pipeline`
 * annotation): no decision is made on it. Each pipeline is then checked on its own entity
 * (`readableEntityPipelines`, ADR 0008).
 */
export function createEntityAccess(options: {
  catalog: CatalogService;
  ttlMs?: number;
  maxEntries?: number;
}) {
  const { catalog } = options;
  const cached = createCallerCache<Entity>({
    ttlMs: options.ttlMs,
    max: options.maxEntries,
  });

  /**
   * The entity, when the catalog shows it to the caller.
   * @throws NotFoundError (no such entity, or not visible to the caller).
   */
  return function visibleEntity(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const lower = (s: string) => s.toLocaleLowerCase('en-US');
    const key = `${callerId(credentials)}|${lower(ref.kind)}:${lower(
      ref.namespace,
    )}/${lower(ref.name)}`;
    return cached(key, async () => {
      const entity = await catalog.getEntityByRef(ref, { credentials });
      if (!entity)
        throw new NotFoundError(`Entity ${stringifyEntityRef(ref)} not found`);
      return entity;
    });
  };
}
