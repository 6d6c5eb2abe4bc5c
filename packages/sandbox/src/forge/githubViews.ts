import { ForgeHost, PullComment, PullRequest } from './model';

/** GitHub's timestamps: ISO 8601 without milliseconds. */
export const githubTime = (iso: string | null) =>
  iso && iso.replace(/\.\d{3}Z$/, 'Z');

/**
 * GitHub's JSON for users, labels, comments and pull requests of one repository — the
 * "simple" pull request of lists and the full one of `GET /pulls/{n}`.
 */
export class GithubViews {
  constructor(
    private readonly forge: ForgeHost,
    private readonly owner: string,
    private readonly repo: string,
    /** Label ids by name: GitHub creates a repository's labels as they are first used. */
    private readonly labelIds: Map<string, number>,
  ) {}

  private get repoUrl() {
    return `${this.forge.url}/api/v3/repos/${this.owner}/${this.repo}`;
  }

  user(login: string) {
    return {
      login,
      id: this.forge.userId(login),
      type: 'User',
      site_admin: false,
      html_url: `${this.forge.url}/${login}`,
      url: `${this.forge.url}/api/v3/users/${login}`,
    };
  }

  label(name: string) {
    if (!this.labelIds.has(name))
      this.labelIds.set(name, this.labelIds.size + 1);
    return {
      id: this.labelIds.get(name),
      name,
      color: 'ededed',
      default: false,
      description: null,
      url: `${this.repoUrl}/labels/${encodeURIComponent(name)}`,
    };
  }

  comment(p: PullRequest, c: PullComment) {
    return {
      id: c.id,
      body: c.body,
      user: this.user(c.user),
      created_at: githubTime(c.created_at),
      updated_at: githubTime(c.created_at),
      html_url: `${this.forge.url}/${this.owner}/${this.repo}/pull/${p.number}#issuecomment-${c.id}`,
      issue_url: `${this.repoUrl}/issues/${p.number}`,
      author_association: 'MEMBER',
    };
  }

  repository() {
    const { url } = this.forge;
    return {
      id: 1,
      name: this.repo,
      full_name: `${this.owner}/${this.repo}`,
      owner: this.user(this.owner),
      default_branch: 'main',
      private: true,
      clone_url: `${url}/${this.owner}/${this.repo}.git`,
      html_url: `${url}/${this.owner}/${this.repo}`,
    };
  }

  private async ref(branch: string) {
    return {
      label: `${this.owner}:${branch}`,
      ref: branch,
      sha: await this.forge.branchSha(this.owner, this.repo, branch),
      user: this.user(this.owner),
      repo: { id: 1, name: this.repo, full_name: `${this.owner}/${this.repo}` },
    };
  }

  /** A pull request as lists show it: no `merged`, `merged_by`, `mergeable` or counts. */
  async simplePull(p: PullRequest) {
    return {
      url: `${this.repoUrl}/pulls/${p.number}`,
      id: p.id,
      html_url: `${this.forge.url}/${this.owner}/${this.repo}/pull/${p.number}`,
      issue_url: `${this.repoUrl}/issues/${p.number}`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: this.user(p.user),
      body: p.body,
      labels: p.labels.map(l => this.label(l)),
      created_at: githubTime(p.created_at),
      updated_at: githubTime(p.updated_at),
      closed_at: githubTime(p.closed_at),
      merged_at: githubTime(p.merged_at),
      merge_commit_sha: p.merge_commit_sha,
      assignee: null,
      assignees: [],
      requested_reviewers: p.reviewers.map(r => this.user(r)),
      requested_teams: [],
      head: await this.ref(p.head),
      base: await this.ref(p.base),
      draft: false,
      author_association: 'MEMBER',
    };
  }

  /** A pull request as `GET /pulls/{n}` and the writes show it. */
  async pull(p: PullRequest) {
    return {
      ...(await this.simplePull(p)),
      merged: p.merged,
      mergeable: null,
      mergeable_state: 'unknown',
      merged_by: p.merged_by ? this.user(p.merged_by) : null,
      comments: p.comments.length,
      review_comments: 0,
      maintainer_can_modify: false,
    };
  }
}
