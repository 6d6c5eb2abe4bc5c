import { Gitlab } from '@gitbeaker/rest';
import { PromotionError } from '../PromotionStrategy';
import { PullRequestProvider } from './PullRequestProvider';

/** The project path of a GitLab repository URL, subgroups included (`group/sub/project`). */
export function gitlabProjectPath(repoUrl: string): string {
  const path = new URL(repoUrl).pathname.replace(/\.git$/, '').replace(/^\/+|\/+$/g, '');
  if (!path.includes('/')) throw new PromotionError(`${repoUrl} is not a GitLab project URL`, false);
  return path;
}

function toPromotionError(e: any, what: string): PromotionError {
  const response = e?.cause?.response;
  const status: number | undefined = response?.status;
  const retryAfter = Number(response?.headers?.get?.('retry-after'));
  const detail = e?.cause?.description ?? e?.message ?? String(e);
  const retryable = !status || status >= 500 || status === 429;
  return new PromotionError(`${what}: ${status ? `HTTP ${status} ` : ''}${detail}`, retryable, Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined);
}

/** Merge requests on GitLab (gitlab.com or self-managed) through @gitbeaker/rest. */
export class GitlabMergeRequests implements PullRequestProvider {
  private readonly api: InstanceType<typeof Gitlab>;
  private readonly projectId: string;

  constructor(options: { repoUrl: string; token: string }) {
    this.api = new Gitlab({ host: new URL(options.repoUrl).origin, token: options.token });
    this.projectId = gitlabProjectPath(options.repoUrl);
  }

  async findOpen(head: string, base: string) {
    try {
      const list = await this.api.MergeRequests.all({ projectId: this.projectId, state: 'opened', sourceBranch: head, targetBranch: base });
      const mr = list.find(m => m.source_branch === head);
      return mr ? { number: mr.iid, url: String(mr.web_url) } : undefined;
    } catch (e) {
      throw toPromotionError(e, 'listing merge requests');
    }
  }

  async create(pr: { head: string; base: string; title: string; body: string }) {
    try {
      const mr = await this.api.MergeRequests.create(this.projectId, pr.head, pr.base, pr.title, { description: pr.body });
      return { number: mr.iid, url: String(mr.web_url) };
    } catch (e) {
      throw toPromotionError(e, 'opening the merge request');
    }
  }

  async update(number: number, pr: { title: string; body: string }) {
    try {
      const mr = await this.api.MergeRequests.edit(this.projectId, number, { title: pr.title, description: pr.body });
      return { number: mr.iid, url: String(mr.web_url) };
    } catch (e) {
      throw toPromotionError(e, 'updating the merge request');
    }
  }
}
