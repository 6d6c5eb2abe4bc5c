import { Gitlab } from '@gitbeaker/rest';
import { PromotionError, PullRequestStatus } from '../PromotionStrategy';
import { CommitStatusInput, PullRequestProvider } from './PullRequestProvider';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  isRedirectRefusal,
  noAnswerWithin,
} from './requestTimeout';
import { gitlabRequester } from './gitlabRequester';

/** The project path of a GitLab repository URL, subgroups included (`group/sub/project`). */
export function gitlabProjectPath(repoUrl: string): string {
  const path = new URL(repoUrl).pathname
    .replace(/\.git$/, '')
    .replace(/^\/+|\/+$/g, '');
  if (!path.includes('/'))
    throw new PromotionError(`${repoUrl} is not a GitLab project URL`, false);
  return path;
}

/** A @gitbeaker failure as a retryable PromotionError; its timeout ("Query timeout was reached") says how long it waited. */
function toPromotionError(
  e: any,
  what: string,
  timeoutMs: number,
): PromotionError {
  if (e?.name === 'GitbeakerTimeoutError')
    return PromotionError.fromHttp(what, undefined, noAnswerWithin(timeoutMs));
  if (isRedirectRefusal(e))
    return new PromotionError(`${what}: ${(e as Error).message}`, false);
  const response = e?.cause?.response;
  const detail = e?.cause?.description ?? e?.message ?? String(e);
  return PromotionError.fromHttp(
    what,
    response?.status,
    String(detail),
    response?.headers?.get?.('retry-after'),
  );
}

/** GitLab's 409 on create: "Another open merge request already exists for this source branch: !N". */
const alreadyExists = (e: any) => e?.cause?.response?.status === 409;

/**
 * Merge requests on GitLab (gitlab.com or self-managed) through @gitbeaker/rest, with a
 * requester that keeps the token on the API (`gitlabRequester`: no redirect, nothing
 * outside `apiBaseUrl`, default `<origin>/api/v4`). Every request gives up after
 * `timeoutMs` (default 30 s; gitbeaker's own default is 5 minutes).
 */
export class GitlabMergeRequests implements PullRequestProvider {
  private readonly api: InstanceType<typeof Gitlab>;
  private readonly projectId: string;
  private readonly timeoutMs: number;

  constructor(options: {
    repoUrl: string;
    token: string;
    /** The API base, e.g. from the GitLab integration (`https://gitlab.com/api/v4`). */
    apiBaseUrl?: string;
    timeoutMs?: number;
  }) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const apiBaseUrl = (
      options.apiBaseUrl ?? `${new URL(options.repoUrl).origin}/api/v4`
    ).replace(/\/+$/, '');
    this.api = new Gitlab({
      // gitbeaker puts each resource at `<host>/api/v4/<prefix>`
      host: apiBaseUrl.replace(/\/api\/v4$/, ''),
      token: options.token,
      queryTimeout: this.timeoutMs,
      requesterFn: gitlabRequester({
        apiBaseUrl,
        token: options.token,
        timeoutMs: this.timeoutMs,
      }) as any,
    });
    this.projectId = gitlabProjectPath(options.repoUrl);
  }

  async findOpen(head: string, base: string) {
    try {
      const list = await this.api.MergeRequests.all({
        projectId: this.projectId,
        state: 'opened',
        sourceBranch: head,
        targetBranch: base,
      });
      const mr = list.find(m => m.source_branch === head);
      return mr
        ? {
            number: mr.iid,
            url: String(mr.web_url),
            body: String(mr.description ?? ''),
          }
        : undefined;
    } catch (e) {
      throw toPromotionError(e, 'listing merge requests', this.timeoutMs);
    }
  }

  async create(pr: {
    head: string;
    base: string;
    title: string;
    body: string;
  }) {
    try {
      const mr = await this.api.MergeRequests.create(
        this.projectId,
        pr.head,
        pr.base,
        pr.title,
        { description: pr.body },
      );
      return {
        number: mr.iid,
        url: String(mr.web_url),
        body: String(mr.description ?? ''),
      };
    } catch (e) {
      if (alreadyExists(e)) return undefined;
      throw toPromotionError(e, 'opening the merge request', this.timeoutMs);
    }
  }

  async update(number: number, pr: { title: string; body: string }) {
    try {
      const mr = await this.api.MergeRequests.edit(this.projectId, number, {
        title: pr.title,
        description: pr.body,
      });
      return {
        number: mr.iid,
        url: String(mr.web_url),
        body: String(mr.description ?? ''),
      };
    } catch (e) {
      throw toPromotionError(e, 'updating the merge request', this.timeoutMs);
    }
  }

  /** GitLab's REST API has no conditional reads for merge requests: every poll is a request. */
  async get(number: number): Promise<PullRequestStatus> {
    try {
      const mr: any = await this.api.MergeRequests.show(this.projectId, number);
      let state: PullRequestStatus['state'] = 'open';
      if (mr.state === 'merged' || mr.state === 'closed') state = mr.state;
      return {
        state,
        mergedBy: mr.merged_by?.username ?? undefined,
        mergedAt: mr.merged_at ?? undefined,
      };
    } catch (e) {
      throw toPromotionError(
        e,
        `reading merge request !${number}`,
        this.timeoutMs,
      );
    }
  }

  async close(number: number, comment: string) {
    try {
      await this.api.MergeRequestNotes.create(this.projectId, number, comment);
      await this.api.MergeRequests.edit(this.projectId, number, {
        stateEvent: 'close',
      });
    } catch (e) {
      throw toPromotionError(
        e,
        `closing merge request !${number}`,
        this.timeoutMs,
      );
    }
  }

  /** GitLab's commit status, named by the context; posting the state it already has (400 "Cannot transition status") is a no-op. */
  async setCommitStatus(sha: string, status: CommitStatusInput) {
    try {
      await this.api.Commits.editStatus(
        this.projectId,
        sha,
        status.state === 'failure' ? 'failed' : status.state,
        {
          name: status.context,
          description: status.description.slice(0, 255),
          ...(status.targetUrl ? { targetUrl: status.targetUrl } : {}),
        },
      );
    } catch (e: any) {
      if (
        e?.cause?.response?.status === 400 &&
        /Cannot transition status/.test(
          String(e?.cause?.description ?? e?.message),
        )
      )
        return;
      throw toPromotionError(
        e,
        `setting the ${status.context} status of ${sha.slice(0, 7)}`,
        this.timeoutMs,
      );
    }
  }
}
