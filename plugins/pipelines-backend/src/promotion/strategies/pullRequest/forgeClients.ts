import { LoggerService } from '@backstage/backend-plugin-api';
import type { ForgeEndpoint } from '../../../config/forges';
import type { PipelinesMetrics } from '../../../metrics/PipelinesMetrics';
import { PromotionError } from '../PromotionStrategy';
import { BitbucketServerPullRequests } from './BitbucketServerPullRequests';
import type { ForgeCredentials } from './forgeCredentials';
import { GithubPullRequests } from './GithubPullRequests';
import { GitlabMergeRequests } from './GitlabMergeRequests';
import { PullRequestProvider } from './PullRequestProvider';
import { REDIRECT_REFUSED } from './requestTimeout';

/**
 * The API client of a forge endpoint, with its credentials: requests go to the endpoint's
 * `apiBaseUrl` only (the repository path comes from its `gitUrl`), never on a redirect.
 */
export function createPullRequestClient(
  endpoint: ForgeEndpoint,
  credentials: ForgeCredentials,
  options: {
    timeoutMs: number;
    logger: LoggerService;
    metrics?: PipelinesMetrics;
  },
): PullRequestProvider {
  const { timeoutMs } = options;
  const repoUrl = endpoint.gitUrl;
  const { apiBaseUrl } = endpoint;
  if (endpoint.provider === 'github') {
    return new GithubPullRequests({
      repoUrl,
      token: credentials.token,
      apiBaseUrl,
      logger: options.logger,
      timeoutMs,
      onRateLimit: remaining => options.metrics?.rateLimit('github', remaining),
    });
  }
  if (endpoint.provider === 'gitlab')
    return new GitlabMergeRequests({
      repoUrl,
      token: credentials.token,
      apiBaseUrl,
      timeoutMs,
    });
  if (endpoint.provider === 'bitbucket-server')
    return new BitbucketServerPullRequests({
      repoUrl,
      authorization: credentials.authorization,
      apiBaseUrl,
      timeoutMs,
    });
  throw new PromotionError(
    `Pull requests on ${endpoint.provider} are not supported`,
    false,
  );
}

/**
 * A failure of the git side of a promotion as a PromotionError: retryable, but for a
 * refused redirect (the configured address is wrong) and the strategy's own non-retryable
 * ones (no marker).
 */
export function toGitError(e: unknown, repoUrl: string): PromotionError {
  if (e instanceof PromotionError) return e;
  const message = (e as Error)?.message ?? String(e);
  return new PromotionError(
    `${repoUrl}: ${message}`,
    !message.includes(REDIRECT_REFUSED),
  );
}
