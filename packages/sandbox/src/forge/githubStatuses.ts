import { CommitStatus, ForgeHost } from './model';
import { githubTime } from './githubViews';

const DOCS = 'https://docs.github.com/rest/commits/statuses';
const STATES = ['error', 'failure', 'pending', 'success'] as const;

/** What the GitHub stand-in answers: a status and a JSON body. */
type Answer = [status: number, body: unknown];

/**
 * GitHub's commit statuses for the stand-in (REST `commits/statuses`): create one on a commit
 * (`POST /repos/{o}/{r}/statuses/{sha}`: `state` one of error, failure, pending, success;
 * `context` defaults to "default"; an unknown sha is `422 No commit found for SHA: …`), list
 * them newest first (`GET …/commits/{ref}/statuses`), and the combined status of a ref
 * (`GET …/commits/{ref}/status`: the newest per context; failure if any failed or errored,
 * else pending if any pending or none, else success).
 */
export class GithubStatuses {
  constructor(private readonly forge: ForgeHost) {}

  private view(owner: string, repo: string, s: CommitStatus) {
    return {
      url: `${this.forge.url}/api/v3/repos/${owner}/${repo}/statuses/${s.sha}`,
      id: s.id,
      node_id: Buffer.from(`StatusContext${s.id}`).toString('base64'),
      state: s.state,
      description: s.description,
      target_url: s.target_url,
      context: s.context,
      created_at: githubTime(s.created_at),
      updated_at: githubTime(s.updated_at),
      creator: {
        login: s.creator,
        id: this.forge.userId(s.creator),
        type: 'User',
        site_admin: false,
      },
    };
  }

  /** A branch name or a (short) sha → the full sha, '' when neither. */
  private async resolve(owner: string, repo: string, ref: string) {
    return (
      (await this.forge.branchSha(owner, repo, ref)) ||
      this.forge.commitSha(owner, repo, ref)
    );
  }

  async create(
    owner: string,
    repo: string,
    sha: string,
    body: any,
    user: string,
  ): Promise<Answer> {
    if (!STATES.includes(body?.state)) {
      return [
        422,
        {
          message: 'Validation Failed',
          errors: [
            {
              resource: 'Status',
              code: 'custom',
              field: 'state',
              message: 'state is not included in the list',
            },
          ],
          documentation_url: `${DOCS}#create-a-commit-status`,
          status: '422',
        },
      ];
    }
    const full = await this.forge.commitSha(owner, repo, sha);
    if (!full)
      return [
        422,
        {
          message: `No commit found for SHA: ${sha}`,
          documentation_url: `${DOCS}#create-a-commit-status`,
          status: '422',
        },
      ];
    const saved = this.forge.addStatus(owner, repo, {
      sha: full,
      state: body.state,
      context: body.context || 'default',
      description: body.description ?? null,
      target_url: body.target_url ?? null,
      creator: user,
    });
    return [201, this.view(owner, repo, saved)];
  }

  async list(owner: string, repo: string, ref: string): Promise<Answer> {
    const sha = await this.resolve(owner, repo, ref);
    return [
      200,
      sha
        ? this.forge
            .statusesOf(owner, repo, sha)
            .map(s => this.view(owner, repo, s))
        : [],
    ];
  }

  async combined(owner: string, repo: string, ref: string): Promise<Answer> {
    const sha = await this.resolve(owner, repo, ref);
    if (!sha)
      return [
        422,
        {
          message: `No commit found for SHA: ${ref}`,
          documentation_url: `${DOCS}#get-the-combined-status-for-a-specific-reference`,
          status: '422',
        },
      ];
    const latest = new Map<string, CommitStatus>();
    for (const s of this.forge.statusesOf(owner, repo, sha))
      if (!latest.has(s.context.toLowerCase()))
        latest.set(s.context.toLowerCase(), s);
    const statuses = [...latest.values()];
    let state = 'success';
    if (statuses.some(s => s.state === 'failure' || s.state === 'error'))
      state = 'failure';
    else if (!statuses.length || statuses.some(s => s.state === 'pending'))
      state = 'pending';
    return [
      200,
      {
        state,
        statuses: statuses.map(s => this.view(owner, repo, s)),
        sha,
        total_count: statuses.length,
      },
    ];
  }
}
