import type { PullRequestProvider } from '../promotion/strategies/pullRequest/PullRequestProvider';
import type { PipelinesMetrics } from './PipelinesMetrics';

const OPERATIONS = [
  'findOpen',
  'create',
  'update',
  'get',
  'close',
  'setCommitStatus',
] as const;

/**
 * A forge's pull-request client with each call counted as `pipelines.forge.requests`
 * {forge, operation, outcome}: `ok`, the HTTP status of a failure (`PromotionError.status`),
 * or `error` (no answer: refused, timed out). A call is one API request, except `close`
 * (comment, then close) and Bitbucket Server's version re-read on a stale update.
 */
export function instrumentPullRequests(
  provider: PullRequestProvider,
  forge: string,
  metrics: PipelinesMetrics,
): PullRequestProvider {
  const out = Object.create(provider) as PullRequestProvider;
  for (const operation of OPERATIONS) {
    if (typeof provider[operation] !== 'function') continue;
    const call = (
      provider[operation] as (...args: unknown[]) => Promise<unknown>
    ).bind(provider);
    (out as any)[operation] = async (...args: unknown[]) => {
      try {
        const result = await call(...args);
        metrics.forgeRequest(forge, operation, 'ok');
        return result;
      } catch (e) {
        const status = (e as { status?: number }).status;
        metrics.forgeRequest(
          forge,
          operation,
          status ? String(status) : 'error',
        );
        throw e;
      }
    };
  }
  return out;
}
