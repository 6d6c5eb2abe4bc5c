import { ForgeHost } from './model';

const STATES = ['SUCCESSFUL', 'FAILED', 'INPROGRESS', 'CANCELLED', 'UNKNOWN'];

/** What the Bitbucket stand-in answers: a status and a JSON body (undefined: none, 204). */
type Answer = [status: number, body: unknown];

const fieldError = (context: string, message: string): Answer => [
  400,
  {
    errors: [
      {
        context,
        message,
        exceptionName:
          'com.atlassian.bitbucket.validation.ArgumentValidationException',
      },
    ],
  },
];

/**
 * Bitbucket Data Center's build statuses for the stand-in (7.4+, repository-scoped):
 * `POST …/repos/{slug}/commits/{commitId}/builds` stores one — `key`, `state` (SUCCESSFUL,
 * FAILED, INPROGRESS, CANCELLED, UNKNOWN) and `url` required, a later one of the same key
 * replaces it — and answers 204; `GET …/commits/{commitId}/builds?key=` reads the one of a
 * key (404 without), as Bitbucket's "Get a specific build status" does.
 */
export class BitbucketBuilds {
  constructor(private readonly forge: ForgeHost) {}

  async store(
    project: string,
    slug: string,
    commitId: string,
    body: any,
    user: string,
  ): Promise<Answer> {
    if (!body?.key) return fieldError('key', 'A key is required');
    if (!STATES.includes(body.state))
      return fieldError('state', 'A valid state is required');
    if (!body.url) return fieldError('url', 'A URL is required');
    const sha = await this.forge.commitSha(project, slug, commitId);
    if (!sha)
      return [
        404,
        {
          errors: [
            {
              context: null,
              message: `Commit '${commitId}' does not exist in repository '${slug}'.`,
              exceptionName:
                'com.atlassian.bitbucket.commit.NoSuchCommitException',
            },
          ],
        },
      ];
    this.forge.addStatus(project, slug, {
      sha,
      state: body.state,
      context: String(body.key),
      description: body.description ?? null,
      target_url: String(body.url),
      creator: user,
    });
    return [204, undefined];
  }

  async get(
    project: string,
    slug: string,
    commitId: string,
    key: string | null,
  ): Promise<Answer> {
    const sha = await this.forge.commitSha(project, slug, commitId);
    const status =
      sha && key
        ? this.forge.statusesOf(project, slug, sha).find(s => s.context === key)
        : undefined;
    if (!status)
      return [
        404,
        {
          errors: [
            {
              context: null,
              message: `No build status with key '${key}' for commit '${commitId}'.`,
              exceptionName:
                'com.atlassian.bitbucket.build.NoSuchBuildStatusException',
            },
          ],
        },
      ];
    const at = Date.parse(status.created_at);
    return [
      200,
      {
        key: status.context,
        name: status.context,
        state: status.state,
        url: status.target_url,
        description: status.description,
        createdDate: at,
        updatedDate: at,
      },
    ];
  }
}
