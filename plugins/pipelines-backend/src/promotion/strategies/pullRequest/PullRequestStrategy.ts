import { LoggerService } from '@backstage/backend-plugin-api';
import type {
  GateSummary,
  PromotionPreview,
} from '@gitops-pipelines/plugin-pipelines-common';
import {
  PromotionContext,
  PromotionError,
  PromotionOutcome,
  PromotionStrategy,
  PullRequestStatus,
} from '../PromotionStrategy';
import { promotionMarker } from './editMarkers';
import { previewMarkerEdit } from './previewMarkerEdit';
import { pullRequestSection, withSection } from './pullRequestBody';
import { writePromotionBranch } from './writePromotionBranch';
import { GithubPullRequests } from './GithubPullRequests';
import { GitlabMergeRequests } from './GitlabMergeRequests';
import { BitbucketServerPullRequests } from './BitbucketServerPullRequests';
import { GitRepositoryCache } from './GitRepositoryCache';
import { PullRequestProvider } from './PullRequestProvider';
import { crashPoint } from '../../crashPoint';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './requestTimeout';
import type { PipelinesMetrics } from '../../../metrics/PipelinesMetrics';
import { instrumentPullRequests } from '../../../metrics/instrumentPullRequests';

/** Reads a key of a Secret on a management cluster (from the watch cache). */
export type SecretReader = (
  cluster: string,
  namespace: string,
  name: string,
  key: string,
) => string | undefined;

export interface PullRequestStrategyOptions {
  secrets: SecretReader;
  /** Where cached clones live. */
  cacheDir: string;
  logger: LoggerService;
  /** API base URL per repository host, e.g. from Backstage's GitHub integrations. */
  githubApiBaseUrl?: (host: string) => string | undefined;
  /**
   * How long a forge may take, in ms (default 30 s): an API request's answer, or a git
   * transfer that moves no data. Past it the attempt fails, retryably.
   */
  requestTimeoutMs?: number;
  /** Where forge requests and GitHub's rate-limit headroom are counted. */
  metrics?: PipelinesMetrics;
}

/**
 * Promotion by pull request: in the repository at `url`, on `baseBranch`, sets every YAML
 * field marked `# {"$promotion": "<ns>:<name>:<env>"}` to the version, commits
 * "promoting version" on `promotion-<ns>-<name>-<env>` and opens the pull request, or
 * updates the one already open for that branch (so a retry or a newer version reuses it).
 */
export class PullRequestStrategy implements PromotionStrategy {
  readonly name = 'pull-request' as const;
  private readonly repos: GitRepositoryCache;

  constructor(private readonly options: PullRequestStrategyOptions) {
    this.repos = new GitRepositoryCache(options.cacheDir, {
      stallTimeoutMs: this.timeoutMs,
    });
  }

  private get timeoutMs() {
    return this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  private provider(
    type: string,
    url: string,
    token: string,
  ): PullRequestProvider {
    const client = this.client(type, url, token);
    return this.options.metrics
      ? instrumentPullRequests(client, type, this.options.metrics)
      : client;
  }

  private client(
    type: string,
    url: string,
    token: string,
  ): PullRequestProvider {
    const { timeoutMs } = this;
    if (type === 'github') {
      return new GithubPullRequests({
        repoUrl: url,
        token,
        apiBaseUrl: this.options.githubApiBaseUrl?.(new URL(url).host),
        logger: this.options.logger,
        timeoutMs,
        onRateLimit: remaining =>
          this.options.metrics?.rateLimit('github', remaining),
      });
    }
    if (type === 'gitlab')
      return new GitlabMergeRequests({ repoUrl: url, token, timeoutMs });
    if (type === 'bitbucket-server')
      return new BitbucketServerPullRequests({
        repoUrl: url,
        token,
        timeoutMs,
      });
    throw new PromotionError(
      `Pull requests on ${type} are not supported`,
      false,
    );
  }

  private pullRequest(ctx: PromotionContext) {
    const pr = ctx.promotion.strategy['pull-request'];
    if (!pr)
      throw new PromotionError(
        'The promotion has no pull-request strategy',
        false,
      );
    const namespace = ctx.pipeline.metadata.namespace!;
    const secret = (key: string) =>
      this.options.secrets(
        ctx.record.pipeline.cluster,
        namespace,
        pr.secretRef.name,
        key,
      );
    const token = secret('token');
    if (!token) {
      // Retryable: the Secret may not be in the watch cache yet (a backend just started), or be
      // created or fixed by someone within the retry budget.
      throw new PromotionError(
        `Secret ${namespace}/${pr.secretRef.name} has no "token" for the ${pr.type} API (or is not readable yet)`,
        true,
      );
    }
    return {
      pr,
      namespace,
      name: ctx.pipeline.metadata.name,
      secret,
      token,
      provider: this.provider(pr.type, pr.url, token),
    };
  }

  /** The marker, branch, title and git credentials of a row's promotion. */
  private target(ctx: PromotionContext) {
    const pull = this.pullRequest(ctx);
    const { namespace, name, secret, token } = pull;
    const { record } = ctx;
    return {
      ...pull,
      marker: promotionMarker(namespace, name, record.toEnvironment),
      branch: `promotion-${namespace}-${name}-${record.toEnvironment}`,
      title: `Promote ${namespace}/${name} in ${record.toEnvironment} to ${record.version}`,
      credentials: {
        username: secret('username') ?? 'git',
        password: secret('password') ?? token,
      },
    };
  }

  /** The gates' verdict as the forge's status of the PR's head commit, named `pipelines/<namespace>/<name>/<environment>`. */
  async setGateStatus(
    ctx: PromotionContext,
    sha: string,
    summary: GateSummary,
    targetUrl?: string,
  ): Promise<boolean> {
    const { provider, namespace, name } = this.pullRequest(ctx);
    if (!provider.setCommitStatus) return false;
    const context = `pipelines/${namespace}/${name}/${ctx.record.toEnvironment}`;
    await provider.setCommitStatus(sha, {
      state: summary.state,
      context,
      description: summary.description,
      targetUrl,
    });
    return true;
  }

  /** The marker edit dry-run on the cached clone of the base branch: the files and lines the pull request would change. */
  async preview(ctx: PromotionContext): Promise<PromotionPreview> {
    const { pr, marker, branch, title, credentials } = this.target(ctx);
    const edit = await this.repos
      .withCheckout(pr.url, pr.baseBranch, credentials, repo =>
        Promise.resolve(
          previewMarkerEdit(repo.path, marker, ctx.record.version),
        ),
      )
      .catch(e => {
        throw new PromotionError(`${pr.url}: ${(e as Error).message}`, true);
      });
    return {
      strategy: 'pull-request',
      repository: pr.url,
      baseBranch: pr.baseBranch,
      branch,
      title,
      ...edit,
    };
  }

  async execute(ctx: PromotionContext): Promise<PromotionOutcome> {
    const {
      pr,
      namespace,
      name,
      provider,
      marker,
      branch,
      title,
      credentials,
    } = this.target(ctx);
    const { record } = ctx;
    const written = await this.repos
      .withCheckout(pr.url, pr.baseBranch, credentials, repo =>
        writePromotionBranch(repo, {
          base: pr.baseBranch,
          branch,
          marker,
          version: record.version,
          repoUrl: pr.url,
        }),
      )
      .catch(e => {
        throw e instanceof PromotionError
          ? e
          : new PromotionError(`${pr.url}: ${(e as Error).message}`, true);
      });
    crashPoint('after-push');
    if (!written.changed) {
      return {
        noChange: true,
        summary: `${pr.url} (${pr.baseBranch}) already has ${record.version} for ${record.toEnvironment}: no pull request needed`,
      };
    }
    const section = pullRequestSection(
      record,
      `${namespace}/${name}`,
      marker,
      written.changed,
    );
    const kept = written.keptForeignCommits
      ? `; kept ${written.keptForeignCommits} commit(s) by others on ${branch}`
      : '';
    let open = await provider.findOpen(branch, pr.baseBranch);
    if (!open) {
      const created = await provider.create({
        head: branch,
        base: pr.baseBranch,
        title,
        body: section,
      });
      crashPoint('after-pull-request');
      if (created)
        return {
          pullRequest: { ...created, opened: true },
          headSha: written.headSha,
          summary: `Opened pull request #${created.number} ${created.url}${kept}`,
        };
      // The forge says one exists: adopt it.
      open = await provider.findOpen(branch, pr.baseBranch);
      if (!open)
        throw new PromotionError(
          `the forge reports an open pull request for ${branch} but lists none`,
          true,
        );
    }
    const updated = await provider.update(open.number, {
      title,
      body: withSection(open.body ?? '', section),
    });
    return {
      pullRequest: { ...updated, opened: false },
      headSha: written.headSha,
      summary: `Updated pull request #${updated.number} ${updated.url} to ${record.version}${kept}`,
    };
  }

  async followPullRequest(
    ctx: PromotionContext,
    etag?: string,
  ): Promise<PullRequestStatus | undefined> {
    const number = ctx.record.pullRequestNumber;
    if (!number)
      throw new PromotionError(
        'The promotion has no pull request number to follow',
        false,
      );
    return this.pullRequest(ctx).provider.get(number, etag);
  }

  async closePullRequest(
    ctx: PromotionContext,
    comment: string,
  ): Promise<void> {
    const number = ctx.record.pullRequestNumber;
    if (!number) return;
    await this.pullRequest(ctx).provider.close(number, comment);
  }
}
