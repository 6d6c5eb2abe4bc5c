import { LoggerService } from '@backstage/backend-plugin-api';
import { ScmIntegrationRegistry } from '@backstage/integration';
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
import { inertText } from './markdown';
import { writePromotionBranch } from './writePromotionBranch';
import { createPullRequestClient, toGitError } from './forgeClients';
import {
  createForgeCredentials,
  ForgeCredentials,
  SecretReader,
} from './forgeCredentials';
import { GitRepositoryCache } from './GitRepositoryCache';
import { PullRequestProvider } from './PullRequestProvider';
import { crashPoint } from '../../crashPoint';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './requestTimeout';
import type { PipelinesMetrics } from '../../../metrics/PipelinesMetrics';
import { instrumentPullRequests } from '../../../metrics/instrumentPullRequests';
import {
  ForgeEndpoint,
  ForgeRefusedError,
  Forges,
} from '../../../config/forges';
import { checkForgeLink } from '../../../config/forgeUrl';

export type { SecretReader } from './forgeCredentials';

/** The pull-request strategy's dependencies and settings. */
export interface PullRequestStrategyOptions {
  secrets: SecretReader;
  /**
   * The forges credentials may go to (`readForgesConfig`): a pull-request `url` must be
   * https (or configured http) on one of their hosts and ports.
   */
  forges: Forges;
  /** Backstage integrations, for `pipelines.forges.credentials: integrations`. */
  integrations?: ScmIntegrationRegistry;
  /** Where cached clones live. */
  cacheDir: string;
  logger: LoggerService;
  /**
   * How long a forge may take, in ms (default 30 s): an API request's answer, or a git
   * transfer that moves no data. Past it the attempt fails, retryably.
   */
  requestTimeoutMs?: number;
  /** How long one git command may take in all, in ms (default 5 min). */
  gitTimeoutMs?: number;
  /** Where forge requests and GitHub's rate-limit headroom are counted. */
  metrics?: PipelinesMetrics;
}

/**
 * Promotion by pull request: in the repository at `url`, on `baseBranch`, sets every YAML
 * field marked `# {"$promotion": "<ns>:<name>:<env>"}` to the version, commits
 * "promoting version" on `promotion-<ns>-<name>-<env>` and opens the pull request, or
 * updates the one already open for that branch (so a retry or a newer version reuses it).
 * Credentials go only to the endpoint `Forges.endpoint` derives from the `url` (git and
 * API alike), never on a redirect; a refused `url` fails the promotion, not retryably.
 */
export class PullRequestStrategy implements PromotionStrategy {
  readonly name = 'pull-request' as const;
  private readonly repos: GitRepositoryCache;
  private readonly credentials: ReturnType<typeof createForgeCredentials>;

  constructor(private readonly options: PullRequestStrategyOptions) {
    this.repos = new GitRepositoryCache(options.cacheDir, {
      stallTimeoutMs: this.timeoutMs,
      timeoutMs: options.gitTimeoutMs,
    });
    this.credentials = createForgeCredentials(options);
  }

  private get timeoutMs() {
    return this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  private provider(
    endpoint: ForgeEndpoint,
    credentials: ForgeCredentials,
  ): PullRequestProvider {
    const client = createPullRequestClient(endpoint, credentials, {
      timeoutMs: this.timeoutMs,
      logger: this.options.logger,
      metrics: this.options.metrics,
    });
    return this.options.metrics
      ? instrumentPullRequests(client, endpoint.provider, this.options.metrics)
      : client;
  }

  /** The strategy of a row's promotion, its forge endpoint, credentials and API client. */
  private async pullRequest(ctx: PromotionContext) {
    const pr = ctx.promotion.strategy['pull-request'];
    if (!pr)
      throw new PromotionError(
        'The promotion has no pull-request strategy',
        false,
      );
    let endpoint: ForgeEndpoint;
    try {
      endpoint = this.options.forges.endpoint(pr.url, pr.type);
    } catch (e) {
      if (e instanceof ForgeRefusedError)
        throw new PromotionError(e.message, false);
      throw e;
    }
    const namespace = ctx.pipeline.metadata.namespace!;
    const credentials = await this.credentials(endpoint, {
      cluster: ctx.record.pipeline.cluster,
      namespace,
      name: pr.secretRef.name,
    });
    return {
      pr,
      endpoint,
      namespace,
      name: ctx.pipeline.metadata.name,
      credentials,
      provider: this.provider(endpoint, credentials),
    };
  }

  /** The marker, branch, title and git credentials of a row's promotion. */
  private async target(ctx: PromotionContext) {
    const pull = await this.pullRequest(ctx);
    const { namespace, name, endpoint } = pull;
    const { record } = ctx;
    return {
      ...pull,
      remote: { url: endpoint.gitUrl, http: endpoint.http },
      marker: promotionMarker(namespace, name, record.toEnvironment),
      branch: `promotion-${namespace}-${name}-${record.toEnvironment}`,
      title: `Promote ${namespace}/${name} in ${record.toEnvironment} to ${record.version}`,
    };
  }

  /** The pull request as the record keeps it: its link only when it is on the repository's host. */
  private kept(
    pr: { number: number; url: string },
    endpoint: ForgeEndpoint,
  ): { number: number; url: string } {
    const link = checkForgeLink(pr.url, endpoint.host);
    if (link.ok) return { number: pr.number, url: link.url };
    this.options.logger.warn(
      `Pull request #${pr.number} on ${endpoint.gitUrl}: its link is not kept (${link.reason})`,
    );
    return { number: pr.number, url: '' };
  }

  /** The gates' verdict as the forge's status of the PR's head commit, named `pipelines/<namespace>/<name>/<environment>`. */
  async setGateStatus(
    ctx: PromotionContext,
    sha: string,
    summary: GateSummary,
    targetUrl?: string,
  ): Promise<boolean> {
    const { provider, namespace, name } = await this.pullRequest(ctx);
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
    const { pr, endpoint, remote, marker, branch, title, credentials } =
      await this.target(ctx);
    const edit = await this.repos
      .withCheckout(remote, pr.baseBranch, credentials.git, repo =>
        Promise.resolve(
          previewMarkerEdit(repo.path, marker, ctx.record.version),
        ),
      )
      .catch(e => {
        throw toGitError(e, endpoint.gitUrl);
      });
    return {
      strategy: 'pull-request',
      repository: endpoint.gitUrl,
      baseBranch: pr.baseBranch,
      branch,
      title,
      ...edit,
    };
  }

  async execute(ctx: PromotionContext): Promise<PromotionOutcome> {
    const target = await this.target(ctx);
    const { pr, endpoint, namespace, name, provider } = target;
    const { marker, branch, title, credentials, remote } = target;
    const { record } = ctx;
    const repoUrl = endpoint.gitUrl;
    const written = await this.repos
      .withCheckout(remote, pr.baseBranch, credentials.git, repo =>
        writePromotionBranch(repo, {
          base: pr.baseBranch,
          branch,
          marker,
          version: record.version,
          repoUrl,
        }),
      )
      .catch(e => {
        throw toGitError(e, repoUrl);
      });
    crashPoint('after-push');
    if (!written.changed) {
      return {
        noChange: true,
        summary: `${repoUrl} (${pr.baseBranch}) already has ${record.version} for ${record.toEnvironment}: no pull request needed`,
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
      if (created) {
        const shown = this.kept(created, endpoint);
        return {
          pullRequest: { ...created, ...shown, opened: true },
          headSha: written.headSha,
          summary: `Opened pull request #${shown.number} ${shown.url}${kept}`,
        };
      }
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
    const shown = this.kept(updated, endpoint);
    return {
      pullRequest: { ...updated, ...shown, opened: false },
      headSha: written.headSha,
      summary: `Updated pull request #${shown.number} ${shown.url} to ${record.version}${kept}`,
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
    return (await this.pullRequest(ctx)).provider.get(number, etag);
  }

  async closePullRequest(
    ctx: PromotionContext,
    comment: string,
  ): Promise<void> {
    const number = ctx.record.pullRequestNumber;
    if (!number) return;
    // The comment carries values from users and events (a cancel reason): shown as text only.
    await (
      await this.pullRequest(ctx)
    ).provider.close(number, inertText(comment));
  }
}
