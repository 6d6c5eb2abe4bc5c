import { ForgeHost, PullComment, PullEvent, PullRequest } from './model';

/** Bitbucket Server's name for a pull request's state. */
export const bitbucketState = (p: PullRequest) => {
  if (p.merged) return 'MERGED';
  return p.state === 'open' ? 'OPEN' : 'DECLINED';
};

/** A page of Bitbucket's paged API, from `start` and `limit` query parameters. */
export function page<T>(values: T[], query: URLSearchParams) {
  const start = Number(query.get('start') ?? 0);
  const limit = Number(query.get('limit') ?? 25);
  const slice = values.slice(start, start + limit);
  const isLastPage = start + limit >= values.length;
  return {
    size: slice.length,
    limit,
    isLastPage,
    start,
    ...(isLastPage ? {} : { nextPageStart: start + limit }),
    values: slice,
  };
}

/** Bitbucket Server's JSON for users, pull requests, comments and activities of one repository. */
export class BitbucketServerViews {
  constructor(
    private readonly forge: ForgeHost,
    private readonly project: string,
    private readonly slug: string,
  ) {}

  user(name: string) {
    const id = this.forge.userId(name);
    const href = `${this.forge.url}/users/${name}`;
    return {
      name,
      emailAddress: `${name}@sandbox.local`,
      id,
      displayName: name,
      active: true,
      slug: name,
      type: 'NORMAL',
      links: { self: [{ href }] },
    };
  }

  private participant(
    name: string,
    role: 'AUTHOR' | 'REVIEWER' | 'PARTICIPANT',
  ) {
    return {
      user: this.user(name),
      role,
      approved: false,
      status: 'UNAPPROVED',
    };
  }

  private repository() {
    const { url } = this.forge;
    return {
      slug: this.slug,
      id: 1,
      name: this.slug,
      scmId: 'git',
      state: 'AVAILABLE',
      project: { key: this.project, id: 1, name: this.project, type: 'NORMAL' },
      links: {
        clone: [
          {
            href: `${url}/scm/${this.project.toLowerCase()}/${this.slug}.git`,
            name: 'http',
          },
        ],
        self: [
          { href: `${url}/projects/${this.project}/repos/${this.slug}/browse` },
        ],
      },
    };
  }

  private async ref(branch: string) {
    const latestCommit = await this.forge.branchSha(
      this.project,
      this.slug,
      branch,
    );
    return {
      id: `refs/heads/${branch}`,
      displayId: branch,
      latestCommit,
      type: 'BRANCH',
      repository: this.repository(),
    };
  }

  /**
   * A pull request: `reviewers` as set, `participants` the others who took part (commented),
   * `closedDate` once merged or declined, `properties.mergeCommit` once merged.
   */
  async pull(p: PullRequest) {
    const involved = new Set([p.user, ...p.reviewers]);
    const participants = [...new Set(p.comments.map(c => c.user))].filter(
      u => !involved.has(u),
    );
    const properties = {
      ...(p.comments.length ? { commentCount: p.comments.length } : {}),
      ...(p.merge_commit_sha
        ? {
            mergeCommit: {
              id: p.merge_commit_sha,
              displayId: p.merge_commit_sha.slice(0, 11),
            },
          }
        : {}),
    };
    return {
      id: p.number,
      version: p.version,
      title: p.title,
      ...(p.body ? { description: p.body } : {}),
      state: bitbucketState(p),
      open: p.state === 'open',
      closed: p.state !== 'open',
      createdDate: Date.parse(p.created_at),
      updatedDate: Date.parse(p.updated_at),
      ...(p.closed_at ? { closedDate: Date.parse(p.closed_at) } : {}),
      fromRef: await this.ref(p.head),
      toRef: await this.ref(p.base),
      locked: false,
      author: this.participant(p.user, 'AUTHOR'),
      reviewers: p.reviewers.map(r => this.participant(r, 'REVIEWER')),
      participants: participants.map(u => this.participant(u, 'PARTICIPANT')),
      properties,
      links: {
        self: [
          {
            href: `${this.forge.url}/projects/${this.project}/repos/${this.slug}/pull-requests/${p.number}`,
          },
        ],
      },
    };
  }

  comment(c: PullComment) {
    const createdDate = Date.parse(c.created_at);
    return {
      properties: { repositoryId: 1 },
      id: c.id,
      version: 0,
      text: c.body,
      author: this.user(c.user),
      createdDate,
      updatedDate: createdDate,
      comments: [],
      tasks: [],
      severity: 'NORMAL',
      state: 'OPEN',
      permittedOperations: {
        editable: true,
        transitionable: true,
        deletable: true,
      },
    };
  }

  /** An entry of `GET …/activities`: OPENED, COMMENTED (commentAction ADDED), MERGED, DECLINED, REOPENED. */
  activity(p: PullRequest, e: PullEvent) {
    const base = {
      id: e.id,
      createdDate: Date.parse(e.at),
      user: this.user(e.user),
      action: e.action,
    };
    if (e.action === 'COMMENTED' && e.comment)
      return {
        ...base,
        commentAction: 'ADDED',
        comment: this.comment(e.comment),
      };
    if (e.action === 'MERGED' && p.merge_commit_sha)
      return {
        ...base,
        commit: {
          id: p.merge_commit_sha,
          displayId: p.merge_commit_sha.slice(0, 11),
        },
      };
    return base;
  }
}
