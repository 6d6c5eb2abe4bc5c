import { LoggerService } from '@backstage/backend-plugin-api';
import fs from 'fs';
import path from 'path';
import {
  PromotionContext,
  PromotionError,
  PromotionOutcome,
  PromotionStrategy,
} from '../PromotionStrategy';
import { applyPromotionMarkers, promotionMarker } from './editMarkers';
import { GithubPullRequests } from './GithubPullRequests';
import { GitlabMergeRequests } from './GitlabMergeRequests';
import { BitbucketServerPullRequests } from './BitbucketServerPullRequests';
import { GitRepositoryCache } from './GitRepositoryCache';
import { PullRequestProvider } from './PullRequestProvider';

/** Reads a key of a Secret on a management cluster (from the watch cache). */
export type SecretReader = (cluster: string, namespace: string, name: string, key: string) => string | undefined;

export interface PullRequestStrategyOptions {
  secrets: SecretReader;
  /** Where cached clones live. */
  cacheDir: string;
  logger: LoggerService;
  /** API base URL per repository host, e.g. from Backstage's GitHub integrations. */
  githubApiBaseUrl?: (host: string) => string | undefined;
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yamlFiles(full, out);
    else if (/\.ya?ml$/i.test(entry.name)) out.push(full);
  }
  return out;
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
    this.repos = new GitRepositoryCache(options.cacheDir);
  }

  private provider(type: string, url: string, token: string): PullRequestProvider {
    if (type === 'github') {
      return new GithubPullRequests({
        repoUrl: url,
        token,
        apiBaseUrl: this.options.githubApiBaseUrl?.(new URL(url).host),
        logger: this.options.logger,
      });
    }
    if (type === 'gitlab') return new GitlabMergeRequests({ repoUrl: url, token });
    if (type === 'bitbucket-server') return new BitbucketServerPullRequests({ repoUrl: url, token });
    throw new PromotionError(`Pull requests on ${type} are not supported`, false);
  }

  async execute(ctx: PromotionContext): Promise<PromotionOutcome> {
    const pr = ctx.promotion.strategy['pull-request'];
    if (!pr) throw new PromotionError('The promotion has no pull-request strategy', false);
    const namespace = ctx.pipeline.metadata.namespace!;
    const name = ctx.pipeline.metadata.name;
    const { record } = ctx;
    const secret = (key: string) => this.options.secrets(record.pipeline.cluster, namespace, pr.secretRef.name, key);
    const token = secret('token');
    if (!token) {
      throw new PromotionError(`Secret ${namespace}/${pr.secretRef.name} has no "token" for the ${pr.type} API`, false);
    }
    const provider = this.provider(pr.type, pr.url, token);
    const marker = promotionMarker(namespace, name, record.toEnvironment);
    const branch = `promotion-${namespace}-${name}-${record.toEnvironment}`;
    const credentials = { username: secret('username') ?? 'git', password: secret('password') ?? token };

    const edited = await this.repos
      .withCheckout(pr.url, pr.baseBranch, credentials, async repo => {
        let found = 0;
        let changed = 0;
        for (const file of yamlFiles(repo.path)) {
          const text = fs.readFileSync(file, 'utf8');
          const result = applyPromotionMarkers(text, marker, record.version);
          found += result.found;
          if (result.changed) {
            fs.writeFileSync(file, result.text);
            changed += result.changed;
          }
        }
        if (!found) return { found, changed };
        if (changed) {
          await repo.git('checkout', '-q', '-B', branch);
          await repo.git('commit', '-q', '-a', '-m', 'promoting version');
          await repo.git('push', '-q', '--force', 'origin', `${branch}:refs/heads/${branch}`);
        }
        return { found, changed };
      })
      .catch(e => {
        throw e instanceof PromotionError ? e : new PromotionError(`${pr.url}: ${(e as Error).message}`, true);
      });

    if (!edited.found) {
      throw new PromotionError(`No field is marked # {"$promotion": "${marker}"} in ${pr.url} (${pr.baseBranch})`, false);
    }
    if (!edited.changed) {
      return { summary: `${pr.url} (${pr.baseBranch}) already has ${record.version} for ${record.toEnvironment}: no pull request needed` };
    }
    const title = `Promote ${namespace}/${name} in ${record.toEnvironment} to ${record.version}`;
    const body = [
      `Promotes **${record.version}** into environment **${record.toEnvironment}** of pipeline \`${namespace}/${name}\`${record.fromEnvironment ? ` (from ${record.fromEnvironment})` : ''}.`,
      '',
      `Edits the ${edited.changed} field(s) marked \`# {"$promotion": "${marker}"}\`.`,
      '',
      `Requested by ${record.requestedBy} (${record.trigger}); promotion ${record.id} in the Backstage promotion ledger.`,
    ].join('\n');
    const open = await provider.findOpen(branch, pr.baseBranch);
    const result = open ? await provider.update(open.number, { title, body }) : await provider.create({ head: branch, base: pr.baseBranch, title, body });
    return { pullRequestUrl: result.url, summary: `${open ? 'updated' : 'opened'} ${result.url}` };
  }
}
