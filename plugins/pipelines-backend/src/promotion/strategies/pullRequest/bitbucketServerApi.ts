import { PromotionError } from '../PromotionStrategy';

/** Project key and repository slug of a Bitbucket Server URL (`/scm/KEY/repo.git` or `/projects/KEY/repos/repo`). */
export function bitbucketServerRepository(repoUrl: string): {
  origin: string;
  project: string;
  slug: string;
} {
  const url = new URL(repoUrl);
  const m =
    /^\/scm\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url.pathname) ??
    /^\/projects\/([^/]+)\/repos\/([^/]+?)\/?(?:browse.*)?$/.exec(url.pathname);
  if (!m) {
    throw new PromotionError(
      `${repoUrl} is not a Bitbucket Server repository URL (expected https://host/scm/PROJECT/repo.git)`,
      false,
    );
  }
  return { origin: url.origin, project: m[1], slug: m[2] };
}

/** A pull request as Bitbucket Server's REST API 1.0 returns it (the fields used). */
export interface BitbucketPullRequest {
  id: number;
  version: number;
  state?: 'OPEN' | 'MERGED' | 'DECLINED';
  description?: string;
  closedDate?: number;
  reviewers?: Array<{ user: { name: string } }>;
  fromRef: { id: string; displayId: string };
  toRef?: { displayId: string };
  links: { self: Array<{ href: string }> };
}

/** A Bitbucket Server error answer: `errors[]` with `exceptionName` (and more, by exception). */
export class BitbucketError extends Error {
  constructor(
    readonly status: number,
    readonly errors: Array<{
      message?: string;
      exceptionName?: string;
      existingPullRequest?: BitbucketPullRequest;
    }>,
    readonly promotionError: PromotionError,
  ) {
    super(promotionError.message);
  }

  has(exception: string) {
    return this.errors.find(e => e.exceptionName?.endsWith(exception));
  }
}

/** The strategy's view of a pull request; its link as the forge gave it (the strategy checks it). */
export const info = (pr: BitbucketPullRequest) => ({
  number: pr.id,
  url: pr.links?.self?.[0]?.href ?? '',
  body: pr.description ?? '',
});
