import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { LRUCache } from 'lru-cache';

/** How long a caller's catalog answers and permission decisions are reused, ms. */
export const CALLER_CACHE_TTL_MS = 5_000;

/** Who calls: the user's entity ref, else the service's subject, else the principal type. */
export function callerId(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? principal.subject ?? principal.type;
}

/**
 * Answers kept per key (a caller and what was asked) for `ttlMs` (default
 * {@link CALLER_CACHE_TTL_MS}), at most `max` (1,000) of them, least recently used out first
 * (`lru-cache`). A pending answer is shared by concurrent callers. Refusals (NotAllowedError,
 * NotFoundError) are kept like answers; any other failure (the catalog or the permission
 * backend down) is dropped at once, so the next request asks again.
 */
export function createCallerCache<T>(
  options: { ttlMs?: number; max?: number } = {},
) {
  const cache = new LRUCache<string, Promise<T>>({
    max: options.max ?? 1000,
    ttl: options.ttlMs ?? CALLER_CACHE_TTL_MS,
    // Date.now rather than performance.now, so that tests can move the clock.
    perf: { now: () => Date.now() },
    ttlResolution: 0,
  });
  return function cached(key: string, ask: () => Promise<T>): Promise<T> {
    const kept = cache.get(key);
    if (kept) return kept;
    const answer = ask();
    cache.set(key, answer);
    answer.catch(e => {
      if (
        !(e instanceof NotFoundError || e instanceof NotAllowedError) &&
        cache.get(key) === answer
      )
        cache.delete(key);
    });
    return answer;
  };
}
