import { Octokit } from 'octokit';
import {
  forgeUsers,
  pushBranch,
  startTestForge,
  stopTestForge,
} from './forgeTestUtils';
import { GitForge } from './GitForge';

jest.setTimeout(60_000);
const { author, alice, bob } = forgeUsers;
const repo = { owner: 'my-org', repo: 'my-app-repo' };

describe('GitForge GitHub API', () => {
  let forge: GitForge;
  beforeAll(async () => {
    forge = await startTestForge(repo.owner, repo.repo);
  });
  afterAll(() => stopTestForge(forge));

  const octokit = (token = author.token) =>
    new Octokit({
      auth: token,
      baseUrl: `${forge.url}/api/v3`,
      retry: { enabled: false },
      throttle: { enabled: false },
    });
  /** Pushes a branch changing one file of its own and opens a pull request of it into main. */
  const openPull = async (branch: string) => {
    await pushBranch(forge, repo.owner, repo.repo, branch, {
      [`apps/${branch}.yaml`]: `branch: ${branch}\n`,
    });
    return (
      await octokit().rest.pulls.create({
        ...repo,
        head: branch,
        base: 'main',
        title: `Promote ${branch}`,
        body: 'b',
      })
    ).data;
  };

  it('answers octokit: repository, pulls list / create / update, merge that really merges', async () => {
    const gh = octokit();
    expect((await gh.rest.repos.get(repo)).data.default_branch).toBe('main');
    const created = await openPull('promotion');
    expect(created).toMatchObject({
      state: 'open',
      head: { ref: 'promotion' },
      html_url: `${forge.url}/my-org/my-app-repo/pull/${created.number}`,
    });
    const open = await gh.rest.pulls.list({
      ...repo,
      head: 'my-org:promotion',
      base: 'main',
      state: 'open',
    });
    expect(open.data.map(p => p.number)).toEqual([created.number]);
    await gh.rest.pulls.update({
      ...repo,
      pull_number: created.number,
      title: 'Promote (updated)',
    });
    await gh.rest.pulls.merge({ ...repo, pull_number: created.number });
    expect(
      await forge.readFile(
        repo.owner,
        repo.repo,
        'main',
        'apps/promotion.yaml',
      ),
    ).toBe('branch: promotion');
    const merged = await gh.rest.pulls.get({
      ...repo,
      pull_number: created.number,
    });
    expect(merged.data).toMatchObject({
      state: 'closed',
      merged: true,
      title: 'Promote (updated)',
    });
    await expect(octokit('wrong').rest.repos.get(repo)).rejects.toMatchObject({
      status: 401,
    });
  });

  it("answers a second open pull request for the same branches with GitHub's exact 422", async () => {
    const first = await openPull('duplicate');
    const error = await octokit()
      .rest.pulls.create({
        ...repo,
        head: 'duplicate',
        base: 'main',
        title: 'again',
      })
      .catch(e => e);
    expect(error.status).toBe(422);
    expect(error.response.data).toEqual({
      message: 'Validation Failed',
      errors: [
        {
          resource: 'PullRequest',
          code: 'custom',
          message: 'A pull request already exists for my-org:duplicate.',
        },
      ],
      documentation_url:
        'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
      status: '422',
    });
    expect(
      forge
        .listPulls(repo.owner, repo.repo)
        .filter(p => p.head === 'duplicate'),
    ).toHaveLength(1);
    await octokit().rest.pulls.update({
      ...repo,
      pull_number: first.number,
      state: 'closed',
    });
  });

  it('answers a GET repeated with its ETag in If-None-Match with a bodiless 304 that costs no rate limit', async () => {
    const gh = octokit(bob.token);
    const { number } = await openPull('etag');
    const first = await gh.rest.pulls.get({ ...repo, pull_number: number });
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/"[0-9a-f]{64}"$/);
    const remaining = Number(first.headers['x-ratelimit-remaining']);
    expect(first.headers['x-ratelimit-limit']).toBe('5000');

    const notModified = await gh.rest.pulls
      .get({ ...repo, pull_number: number, headers: { 'if-none-match': etag } })
      .catch(e => e);
    expect(notModified.status).toBe(304);
    expect(notModified.response.data).toBe('');
    expect(notModified.response.headers.etag).toBe(etag);
    expect(Number(notModified.response.headers['x-ratelimit-remaining'])).toBe(
      remaining,
    );
    expect(
      (await gh.rest.pulls.get({ ...repo, pull_number: number })).headers[
        'x-ratelimit-remaining'
      ],
    ).toBe(String(remaining - 1));

    // once the pull request changes, the old ETag no longer matches: a full, counted 200
    await gh.rest.issues.createComment({
      ...repo,
      issue_number: number,
      body: 'new activity',
    });
    const changed = await gh.rest.pulls.get({
      ...repo,
      pull_number: number,
      headers: { 'if-none-match': etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.headers['x-ratelimit-remaining']).toBe(
      String(remaining - 3),
    );
    expect(changed.headers['x-ratelimit-used']).toBe(
      String(5000 - (remaining - 3)),
    );
  });

  it("counts every other call against the user's own hourly budget", async () => {
    const before = Number(
      (await octokit(alice.token).rest.repos.get(repo)).headers[
        'x-ratelimit-remaining'
      ],
    );
    await expect(
      octokit(alice.token).rest.pulls.get({ ...repo, pull_number: 999 }),
    ).rejects.toMatchObject({ status: 404 });
    const after = await octokit(alice.token).rest.repos.get(repo);
    expect(Number(after.headers['x-ratelimit-remaining'])).toBe(before - 2);
    expect(Number(after.headers['x-ratelimit-reset'])).toBeGreaterThan(
      Date.now() / 1000,
    );
  });

  it('shows who merged a pull request and when, and lists pull requests without merged / merged_by, as GitHub does', async () => {
    const gh = octokit();
    const byApi = await openPull('merged-by-api');
    await octokit(alice.token).rest.pulls.merge({
      ...repo,
      pull_number: byApi.number,
    });
    const viaApi = (
      await gh.rest.pulls.get({ ...repo, pull_number: byApi.number })
    ).data;
    expect(viaApi).toMatchObject({
      state: 'closed',
      merged: true,
      merged_by: { login: 'alice' },
    });
    expect(viaApi.merged_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(viaApi.closed_at).toBe(viaApi.merged_at);
    expect(viaApi.merge_commit_sha).toHaveLength(40);

    const byHelper = await openPull('merged-by-helper');
    await forge.mergePull(repo.owner, repo.repo, byHelper.number, 'bob');
    expect(
      (await gh.rest.pulls.get({ ...repo, pull_number: byHelper.number })).data
        .merged_by?.login,
    ).toBe('bob');
    await expect(
      gh.rest.pulls.merge({ ...repo, pull_number: byHelper.number }),
    ).rejects.toMatchObject({ status: 405 });

    const listed = (
      await gh.rest.pulls.list({
        ...repo,
        state: 'closed',
        head: 'my-org:merged-by-helper',
      })
    ).data[0];
    expect(listed).toMatchObject({
      number: byHelper.number,
      state: 'closed',
      merged_at: expect.any(String),
    });
    expect(listed).not.toHaveProperty('merged');
    expect(listed).not.toHaveProperty('merged_by');
  });

  it('closes a pull request without merging it: closed_at set, merged false, merged_by null', async () => {
    const gh = octokit();
    const { number } = await openPull('to-close');
    const closed = (
      await gh.rest.pulls.update({
        ...repo,
        pull_number: number,
        state: 'closed',
      })
    ).data;
    expect(closed).toMatchObject({
      state: 'closed',
      merged: false,
      merged_by: null,
      merged_at: null,
    });
    expect(closed.closed_at).toEqual(expect.any(String));
    const reopened = (
      await gh.rest.pulls.update({
        ...repo,
        pull_number: number,
        state: 'open',
      })
    ).data;
    expect(reopened).toMatchObject({ state: 'open', closed_at: null });

    forge.closePull(repo.owner, repo.repo, number);
    expect(
      (await gh.rest.pulls.get({ ...repo, pull_number: number })).data,
    ).toMatchObject({ state: 'closed', merged: false });
  });

  it('keeps requested reviewers and labels when the title and body are updated', async () => {
    const gh = octokit();
    const { number } = await openPull('reviewed');
    const requested = await gh.rest.pulls.requestReviewers({
      ...repo,
      pull_number: number,
      reviewers: ['alice', 'bob'],
    });
    expect(requested.status).toBe(201);
    const labels = await gh.rest.issues.addLabels({
      ...repo,
      issue_number: number,
      labels: ['promotion', 'env:prod'],
    });
    expect(labels.data.map(l => l.name)).toEqual(['promotion', 'env:prod']);

    const updated = (
      await gh.rest.pulls.update({
        ...repo,
        pull_number: number,
        title: 'Promote 2.0.0',
        body: 'new body',
      })
    ).data;
    expect(updated.title).toBe('Promote 2.0.0');
    expect(updated.requested_reviewers?.map(r => r.login)).toEqual([
      'alice',
      'bob',
    ]);
    expect(updated.labels.map(l => l.name)).toEqual(['promotion', 'env:prod']);
    const fetched = (await gh.rest.pulls.get({ ...repo, pull_number: number }))
      .data;
    expect(fetched.requested_reviewers?.map(r => r.login)).toEqual([
      'alice',
      'bob',
    ]);
    expect(fetched.labels.map(l => l.name)).toEqual(['promotion', 'env:prod']);
    expect(
      (
        await gh.rest.pulls.listRequestedReviewers({
          ...repo,
          pull_number: number,
        })
      ).data.users.map(u => u.login),
    ).toEqual(['alice', 'bob']);
  });

  it('refuses review requests from the author and from users who are not collaborators', async () => {
    const gh = octokit();
    const { number } = await openPull('bad-reviewers');
    await expect(
      gh.rest.pulls.requestReviewers({
        ...repo,
        pull_number: number,
        reviewers: [author.username],
      }),
    ).rejects.toMatchObject({
      status: 422,
      response: {
        data: {
          message: 'Review cannot be requested from pull request author.',
        },
      },
    });
    const error = await gh.rest.pulls
      .requestReviewers({
        ...repo,
        pull_number: number,
        reviewers: ['mallory'],
      })
      .catch(e => e);
    expect(error.status).toBe(422);
    expect(error.response.data.message).toMatch(
      /^Reviews may only be requested from collaborators/,
    );
  });

  it('lists the comments of a pull request, oldest first', async () => {
    const gh = octokit();
    const { number } = await openPull('commented');
    await gh.rest.issues.createComment({
      ...repo,
      issue_number: number,
      body: 'first',
    });
    await octokit(bob.token).rest.issues.createComment({
      ...repo,
      issue_number: number,
      body: 'second',
    });
    const comments = (
      await gh.rest.issues.listComments({ ...repo, issue_number: number })
    ).data;
    expect(comments.map(c => ({ body: c.body, login: c.user?.login }))).toEqual(
      [
        { body: 'first', login: author.username },
        { body: 'second', login: 'bob' },
      ],
    );
    expect(comments[0].id).not.toBe(comments[1].id);
    expect(
      (await gh.rest.pulls.get({ ...repo, pull_number: number })).data.comments,
    ).toBe(2);
  });

  it("injects rate limiting and failures that octokit's retry and throttling plugins handle", async () => {
    // GitHub's primary rate limit: 403 with X-RateLimit-Remaining 0 until X-RateLimit-Reset.
    forge.injectFaults({
      status: 403,
      retryAfterSeconds: 1,
      message: 'API rate limit exceeded for user',
    });
    const retried: number[] = [];
    const gh = new Octokit({
      auth: author.token,
      baseUrl: `${forge.url}/api/v3`,
      throttle: {
        onRateLimit: (retryAfter: number) => {
          retried.push(retryAfter);
          return true;
        },
        onSecondaryRateLimit: () => false,
      },
    });
    const started = Date.now();
    expect((await gh.rest.repos.get(repo)).status).toBe(200);
    // the throttling plugin saw the rate limit and waited until the reset the forge announced
    expect(retried).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    // 429 with Retry-After: the retry plugin tries again
    forge.injectFaults({ status: 429, retryAfterSeconds: 1 });
    expect((await gh.rest.repos.get(repo)).status).toBe(200);
    // latency: the request is served, late
    forge.injectFaults({ delayMs: 700 });
    const slow = Date.now();
    expect((await octokit().rest.repos.get(repo)).status).toBe(200);
    expect(Date.now() - slow).toBeGreaterThanOrEqual(650);
    // a 5xx reaches a client without retries
    forge.injectFaults({ status: 500 });
    await expect(octokit().rest.repos.get(repo)).rejects.toMatchObject({
      status: 500,
    });
  });
});
