import http from 'http';

export interface ForgeUser {
  username: string;
  password: string;
  /** API token (GitHub `token`/`Bearer`, GitLab `PRIVATE-TOKEN`, also accepted as the git password). */
  token: string;
}

export interface Fault {
  /** The status to answer with; without one, the request is only delayed and then served. */
  status?: number;
  retryAfterSeconds?: number;
  message?: string;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface PullComment {
  id: number;
  body: string;
  user: string;
  created_at: string;
}

/** What happened to a pull request, for Bitbucket's activity stream. */
export interface PullEvent {
  id: number;
  action: 'OPENED' | 'COMMENTED' | 'MERGED' | 'DECLINED' | 'REOPENED';
  user: string;
  at: string;
  comment?: PullComment;
}

/**
 * One pull request (merge request), shared by the three APIs: each renders it in its own
 * shape. `state` is `closed` for merged ones too, as on GitHub; `merged` tells them apart.
 */
export interface PullRequest {
  /** Forge-wide id (GitHub `id`, GitLab `id`), distinct from the per-repository number. */
  id: number;
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  merged: boolean;
  user: string;
  created_at: string;
  updated_at: string;
  merged_at: string | null;
  merged_by: string | null;
  merge_commit_sha: string | null;
  /** Set when closed and when merged (GitLab shows it for closed, not merged, ones). */
  closed_at: string | null;
  closed_by: string | null;
  labels: string[];
  reviewers: string[];
  comments: PullComment[];
  events: PullEvent[];
  /** Bitbucket Server's optimistic-locking version: bumped by every change of the pull request itself. */
  version: number;
}

/**
 * A commit status (GitHub), commit status (GitLab) or build status (Bitbucket Server) on a
 * commit, in one shape that each API renders its own way. Statuses are kept per commit,
 * newest last; a forge shows the newest one of each `context`.
 */
export interface CommitStatus {
  id: number;
  sha: string;
  /**
   * The state in the words of the API that set it: GitHub `pending`, `success`, `failure`,
   * `error`; GitLab `pending`, `running`, `success`, `failed`, `canceled`; Bitbucket Server
   * `INPROGRESS`, `SUCCESSFUL`, `FAILED`.
   */
  state: string;
  /** GitHub `context`, GitLab `name`, Bitbucket `key`. */
  context: string;
  description: string | null;
  target_url: string | null;
  creator: string;
  created_at: string;
  updated_at: string;
}

/** What an API module needs from the forge. */
export interface ForgeHost {
  readonly url: string;
  /** Records an API request for tests. */
  record(request: string): void;
  authenticate(req: http.IncomingMessage): ForgeUser | undefined;
  /** Takes the next injected fault: waits its delay; returns it when it has a status to answer with. */
  nextFault(): Promise<(Fault & { status: number }) | undefined>;
  /** The pull requests of a repository, undefined when there is no such repository. */
  pullsOf(owner: string, repo: string): PullRequest[] | undefined;
  /** The commit a branch points at, '' when there is no such branch. */
  branchSha(owner: string, repo: string, branch: string): Promise<string>;
  /** The full sha of a commit of the repository, '' when it has none with that sha. */
  commitSha(owner: string, repo: string, sha: string): Promise<string>;
  /** Records a status on a commit (a full sha). */
  addStatus(
    owner: string,
    repo: string,
    status: Omit<CommitStatus, 'id' | 'created_at' | 'updated_at'>,
  ): CommitStatus;
  /** The statuses of a commit, newest first. */
  statusesOf(owner: string, repo: string, sha: string): CommitStatus[];
  /** A stable numeric id for a username (forge users first, in order, from 1). */
  userId(username: string): number;
  /** The username of a forge user's id. */
  userById(id: number): string | undefined;
  /** Whether the username is one of the forge's users. */
  isUser(username: string): boolean;
  openPull(
    owner: string,
    repo: string,
    fields: Pick<PullRequest, 'title' | 'body' | 'head' | 'base' | 'user'> &
      Partial<Pick<PullRequest, 'labels' | 'reviewers'>>,
  ): PullRequest;
  /** Merges with a real merge commit on the base branch; false (and nothing changed) when it conflicts. */
  merge(
    owner: string,
    repo: string,
    p: PullRequest,
    by: string,
  ): Promise<boolean>;
  close(p: PullRequest, by: string): void;
  reopen(p: PullRequest, by: string): void;
  comment(p: PullRequest, body: string, by: string): PullComment;
  /** Marks a change of the pull request itself: `updated_at` and the version move. */
  touch(p: PullRequest): void;
}
