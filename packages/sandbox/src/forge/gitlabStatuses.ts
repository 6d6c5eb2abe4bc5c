import { CommitStatus, ForgeHost } from './model';

const STATES = ['pending', 'running', 'success', 'failed', 'canceled'];
/** GitLab's state machine events, for its transition error message. */
const EVENT: Record<string, string> = {
  pending: 'enqueue',
  running: 'run',
  success: 'success',
  failed: 'drop',
  canceled: 'cancel',
};

/** What the GitLab stand-in answers: a status and a JSON body. */
type Answer = [status: number, body: unknown];

/**
 * GitLab's commit statuses for the stand-in (REST v4 "Commits" statuses, what
 * @gitbeaker/rest's `Commits.editStatus` / `allStatuses` call): `POST /projects/:id/statuses/:sha`
 * (`state` one of pending, running, success, failed, canceled; `name` or `context`, default
 * "default"; `target_url`, `description`); posting the state a status of that name already has
 * is `400 Cannot transition status via :<event> from :<state>`, as GitLab's state machine
 * answers; an unknown sha is `404 Commit Not Found`. `GET /projects/:id/repository/commits/:sha/statuses`
 * lists them (newest first).
 */
export class GitlabStatuses {
  constructor(private readonly forge: ForgeHost) {}

  private view(s: CommitStatus, ref: string | null) {
    return {
      id: s.id,
      sha: s.sha,
      ref,
      status: s.state,
      name: s.context,
      target_url: s.target_url,
      description: s.description,
      created_at: s.created_at,
      started_at: s.state === 'pending' ? null : s.created_at,
      finished_at: ['success', 'failed', 'canceled'].includes(s.state)
        ? s.created_at
        : null,
      allow_failure: false,
      coverage: null,
      author: {
        id: this.forge.userId(s.creator),
        username: s.creator,
        name: s.creator,
        state: 'active',
        web_url: `${this.forge.url}/${s.creator}`,
      },
    };
  }

  async create(
    owner: string,
    repo: string,
    sha: string,
    body: any,
    user: string,
  ): Promise<Answer> {
    if (!STATES.includes(body?.state))
      return [400, { error: 'state does not have a valid value' }];
    const full = await this.forge.commitSha(owner, repo, sha);
    if (!full) return [404, { message: '404 Commit Not Found' }];
    const name = body.name || body.context || 'default';
    const latest = this.forge
      .statusesOf(owner, repo, full)
      .find(s => s.context === name);
    if (latest && latest.state === body.state) {
      return [
        400,
        {
          message: `Cannot transition status via :${EVENT[body.state]} from :${
            latest.state
          } (Reason(s): Status cannot transition via "${EVENT[body.state]}")`,
        },
      ];
    }
    const saved = this.forge.addStatus(owner, repo, {
      sha: full,
      state: body.state,
      context: name,
      description: body.description ?? null,
      target_url: body.target_url ?? null,
      creator: user,
    });
    return [201, this.view(saved, body.ref ?? null)];
  }

  async list(owner: string, repo: string, sha: string): Promise<Answer> {
    const full = await this.forge.commitSha(owner, repo, sha);
    if (!full) return [404, { message: '404 Commit Not Found' }];
    return [
      200,
      this.forge.statusesOf(owner, repo, full).map(s => this.view(s, null)),
    ];
  }
}
