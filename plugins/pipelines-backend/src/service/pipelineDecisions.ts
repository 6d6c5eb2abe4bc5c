import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { LRUCache } from 'lru-cache';
import {
  CALLER_CACHE_TTL_MS,
  callerId,
  createCallerCache,
} from './callerCache';

/** The most per-entity verdicts kept, over all callers (a few bytes each). */
const MAX_VERDICTS = 100_000;

/**
 * Permission decisions on pipelines' own entities, batched and kept per caller.
 *
 * A policy decides from the permission and the caller only (Backstage's `PolicyQuery` has
 * no resource): its answer is asked once per caller and permission
 * (`authorizeConditional`). An unconditional ALLOW or DENY settles every pipeline at
 * once; only a conditional one (rules about entities, e.g. the catalog's
 * `IS_ENTITY_OWNER`) is evaluated per entity, all entities missing from the cache in one
 * `authorize` call. A pipeline that names no entity (`undefined`) passes only on an
 * unconditional ALLOW: a condition about an entity cannot hold without one (ADR 0008).
 * Decisions and verdicts are kept for `ttlMs` (default 5 s, {@link CALLER_CACHE_TTL_MS}).
 */
export function createPipelineDecisions(options: {
  permissions: PermissionsService;
  ttlMs?: number;
}) {
  const { permissions } = options;
  const ttl = options.ttlMs ?? CALLER_CACHE_TTL_MS;
  const policy = createCallerCache<AuthorizeResult>({ ttlMs: ttl });
  const verdicts = new LRUCache<string, Promise<boolean>>({
    max: MAX_VERDICTS,
    ttl,
    perf: { now: () => Date.now() },
    ttlResolution: 0,
  });

  const policyDecision = (
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
  ) =>
    policy(`${callerId(credentials)}|${permission.name}`, async () => {
      const [d] = await permissions.authorizeConditional([{ permission }], {
        credentials,
      });
      return d.result;
    });

  /** Per-entity verdicts for a conditional decision, one `authorize` call for all missing. */
  function perEntity(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    refs: string[],
  ): Promise<boolean[]> {
    const prefix = `${callerId(credentials)}|${permission.name}|`;
    const missing = [...new Set(refs)].filter(r => !verdicts.has(prefix + r));
    if (missing.length) {
      const batch = permissions.authorize(
        missing.map(resourceRef => ({ permission, resourceRef })),
        { credentials },
      );
      missing.forEach((ref, i) => {
        const verdict = batch.then(
          ds => ds[i].result === AuthorizeResult.ALLOW,
        );
        verdicts.set(prefix + ref, verdict);
        // A failure (the permission backend down) is not kept: the next request asks again.
        verdict.catch(() => verdicts.delete(prefix + ref));
      });
    }
    return Promise.all(refs.map(r => verdicts.get(prefix + r)!));
  }

  /**
   * Whether the caller holds `permission` on each pipeline, given by its own entity ref
   * (`undefined`: it names none). Answers in the order given.
   */
  async function decide(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRefs: Array<string | undefined>,
  ): Promise<boolean[]> {
    const result = await policyDecision(credentials, permission);
    if (result === AuthorizeResult.ALLOW) return entityRefs.map(() => true);
    if (result === AuthorizeResult.DENY) return entityRefs.map(() => false);
    const named = entityRefs.filter((r): r is string => Boolean(r));
    const answers = await perEntity(credentials, permission, named);
    const byRef = new Map(named.map((r, i) => [r, answers[i]]));
    return entityRefs.map(r => (r ? byRef.get(r)! : false));
  }

  /** Whether the caller could hold `permission` on some pipeline (not an unconditional DENY). */
  async function mayHoldAny(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
  ): Promise<boolean> {
    return (
      (await policyDecision(credentials, permission)) !== AuthorizeResult.DENY
    );
  }

  return { decide, mayHoldAny };
}

/** The decisions object of {@link createPipelineDecisions}. */
export type PipelineDecisions = ReturnType<typeof createPipelineDecisions>;
