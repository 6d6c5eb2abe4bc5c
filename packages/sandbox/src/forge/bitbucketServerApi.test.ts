import {
  forgeUsers,
  pushBranch,
  startTestForge,
  stopTestForge,
} from './forgeTestUtils';
import { GitForge } from './GitForge';

jest.setTimeout(60_000);
const { author, alice, bob } = forgeUsers;

describe('GitForge Bitbucket Server API', () => {
  let forge: GitForge;
  beforeAll(async () => {
    forge = await startTestForge('PROJ', 'my-app-repo');
  });
  afterAll(() => stopTestForge(forge));

  /** A request to the repository's pull requests; the status and the JSON answer. */
  const bb = async (
    path: string,
    init: { method?: string; body?: unknown; token?: string } = {},
  ) => {
    const response = await fetch(
      `${forge.url}/rest/api/1.0/projects/PROJ/repos/my-app-repo/pull-requests${path}`,
      {
        method: init.method ?? 'GET',
        headers: {
          Authorization: `Bearer ${init.token ?? author.token}`,
          Accept: 'application/json',
          'Content-Type': 'application/json',
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      },
    );
    return { status: response.status, json: (await response.json()) as any };
  };
  const ref = (branch: string) => ({
    id: `refs/heads/${branch}`,
    repository: { slug: 'my-app-repo', project: { key: 'PROJ' } },
  });
  /** Pushes a branch changing one file of its own and opens a pull request of it into main. */
  const openPull = async (branch: string, reviewers: string[] = []) => {
    await pushBranch(forge, 'PROJ', 'my-app-repo', branch, {
      [`apps/${branch}.yaml`]: `branch: ${branch}\n`,
    });
    const body = {
      title: `Promote ${branch}`,
      description: 'd',
      fromRef: ref(branch),
      toRef: ref('main'),
      reviewers: reviewers.map(name => ({ user: { name } })),
    };
    const created = await bb('', { method: 'POST', body });
    expect(created.status).toBe(201);
    return created.json;
  };

  it('answers a second open pull request for the same branches with 409 DuplicatePullRequestException and the open one', async () => {
    const first = await openPull('duplicate');
    expect(first).toMatchObject({
      id: expect.any(Number),
      version: 0,
      state: 'OPEN',
      open: true,
      closed: false,
      fromRef: { displayId: 'duplicate' },
    });
    const again = await bb('', {
      method: 'POST',
      body: { title: 'again', fromRef: ref('duplicate'), toRef: ref('main') },
    });
    expect(again.status).toBe(409);
    expect(again.json.errors).toHaveLength(1);
    expect(again.json.errors[0]).toMatchObject({
      context: null,
      message:
        'Only one pull request may be open for a given source and target branch',
      exceptionName:
        'com.atlassian.bitbucket.pull.DuplicatePullRequestException',
      existingPullRequest: {
        id: first.id,
        version: 0,
        state: 'OPEN',
        links: {
          self: [
            {
              href: `${forge.url}/projects/PROJ/repos/my-app-repo/pull-requests/${first.id}`,
            },
          ],
        },
      },
    });
  });

  it('refuses a change based on a stale version with 409 PullRequestOutOfDateException and the current version', async () => {
    const pr = await openPull('stale');
    expect(
      (
        await bb(`/${pr.id}`, {
          method: 'PUT',
          body: { version: 0, title: 'First edit', reviewers: [] },
        })
      ).json.version,
    ).toBe(1);
    const stale = await bb(`/${pr.id}`, {
      method: 'PUT',
      body: { version: 0, title: 'Second edit' },
    });
    expect(stale.status).toBe(409);
    expect(stale.json.errors[0]).toMatchObject({
      message:
        'You are attempting to modify a pull request based on out-of-date information.',
      exceptionName:
        'com.atlassian.bitbucket.pull.PullRequestOutOfDateException',
      currentVersion: 1,
      expectedVersion: 0,
      pullRequest: { id: pr.id, version: 1, title: 'First edit' },
    });
    expect(
      (await bb(`/${pr.id}/decline?version=0`, { method: 'POST' })).json
        .errors[0].currentVersion,
    ).toBe(1);
    expect((await bb(`/${pr.id}`)).json).toMatchObject({
      state: 'OPEN',
      title: 'First edit',
    });
  });

  it('replaces the reviewers on every update: sent back they stay, left out they are removed, as on Bitbucket', async () => {
    const pr = await openPull('reviewed', ['alice']);
    expect(pr.reviewers).toEqual([
      expect.objectContaining({
        user: expect.objectContaining({ name: 'alice' }),
        role: 'REVIEWER',
        approved: false,
        status: 'UNAPPROVED',
      }),
    ]);
    const kept = await bb(`/${pr.id}`, {
      method: 'PUT',
      body: {
        version: 0,
        title: 'Promote 2.0.0',
        description: 'new',
        reviewers: [{ user: { name: 'alice' } }, { user: { name: 'bob' } }],
      },
    });
    expect(kept.json).toMatchObject({
      title: 'Promote 2.0.0',
      description: 'new',
      version: 1,
    });
    expect(kept.json.reviewers.map((r: any) => r.user.name)).toEqual([
      'alice',
      'bob',
    ]);
    const dropped = await bb(`/${pr.id}`, {
      method: 'PUT',
      body: { version: 1, title: 'Promote 2.0.1' },
    });
    expect(dropped.json).toMatchObject({
      title: 'Promote 2.0.1',
      description: 'new',
      reviewers: [],
    });
    const invalid = await bb(`/${pr.id}`, {
      method: 'PUT',
      body: { version: 2, reviewers: [{ user: { name: 'mallory' } }] },
    });
    expect(invalid.status).toBe(409);
    expect(invalid.json.errors[0]).toMatchObject({
      exceptionName:
        'com.atlassian.bitbucket.pull.InvalidPullRequestReviewersException',
      reviewerErrors: [{ context: 'mallory' }],
    });
  });

  it('shows a merged pull request as MERGED with its closedDate, merge commit and the MERGED activity of who merged it', async () => {
    const pr = await openPull('merged');
    const merged = await bb(`/${pr.id}/merge?version=0`, {
      method: 'POST',
      token: alice.token,
    });
    expect(merged.status).toBe(200);
    expect(merged.json).toMatchObject({
      state: 'MERGED',
      open: false,
      closed: true,
      version: 1,
      closedDate: expect.any(Number),
    });
    expect(merged.json.properties.mergeCommit.id).toHaveLength(40);
    expect(
      await forge.readFile('PROJ', 'my-app-repo', 'main', 'apps/merged.yaml'),
    ).toBe('branch: merged');
    const activities = (await bb(`/${pr.id}/activities`)).json.values;
    expect(activities[0]).toMatchObject({
      action: 'MERGED',
      user: { name: 'alice' },
      commit: { id: merged.json.properties.mergeCommit.id },
    });
    expect(activities.at(-1)).toMatchObject({
      action: 'OPENED',
      user: { name: author.username },
    });
    const again = await bb(`/${pr.id}/merge?version=1`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.json.errors[0].exceptionName).toBe(
      'com.atlassian.bitbucket.pull.IllegalPullRequestStateException',
    );

    const byHelper = await openPull('merged-by-helper');
    await forge.mergePull('PROJ', 'my-app-repo', byHelper.id, 'bob');
    expect(
      (await bb(`/${byHelper.id}/activities`)).json.values[0],
    ).toMatchObject({ action: 'MERGED', user: { name: 'bob' } });
    expect(
      (await bb('?state=MERGED')).json.values.map((p: any) => p.id),
    ).toEqual([byHelper.id, pr.id]);
  });

  it('declines a pull request (closedDate, DECLINED), refuses to decline it twice, and reopens it', async () => {
    const pr = await openPull('declined');
    const declined = await bb(`/${pr.id}/decline?version=0`, {
      method: 'POST',
    });
    expect(declined.json).toMatchObject({
      state: 'DECLINED',
      open: false,
      closed: true,
      version: 1,
      closedDate: expect.any(Number),
    });
    expect(
      (await bb(`/${pr.id}/decline?version=1`, { method: 'POST' })).status,
    ).toBe(409);
    expect(
      (await bb(`/${pr.id}/reopen?version=1`, { method: 'POST' })).json,
    ).toMatchObject({ state: 'OPEN', version: 2 });
    expect((await bb(`/${pr.id}`)).json).not.toHaveProperty('closedDate');
    forge.closePull('PROJ', 'my-app-repo', pr.id);
    expect((await bb(`/${pr.id}`)).json).toMatchObject({
      state: 'DECLINED',
      version: 3,
    });
  });

  it('adds comments, lists them in the activity stream, and makes commenters participants', async () => {
    const pr = await openPull('commented', ['alice']);
    const comment = await bb(`/${pr.id}/comments`, {
      method: 'POST',
      body: { text: 'Superseded by a newer promotion' },
      token: bob.token,
    });
    expect(comment.status).toBe(201);
    expect(comment.json).toMatchObject({
      id: expect.any(Number),
      version: 0,
      text: 'Superseded by a newer promotion',
      author: { name: 'bob' },
    });
    expect((await bb(`/${pr.id}/comments/${comment.json.id}`)).json.text).toBe(
      'Superseded by a newer promotion',
    );
    const activities = (await bb(`/${pr.id}/activities`)).json.values;
    expect(
      activities
        .filter(
          (a: any) => a.action === 'COMMENTED' && a.commentAction === 'ADDED',
        )
        .map((a: any) => a.comment.text),
    ).toEqual(['Superseded by a newer promotion']);
    // general comments are not listed by GET …/comments, which needs the path of a file
    expect((await bb(`/${pr.id}/comments`)).status).toBe(400);
    const shown = (await bb(`/${pr.id}`)).json;
    expect(shown.participants).toEqual([
      expect.objectContaining({
        user: expect.objectContaining({ name: 'bob' }),
        role: 'PARTICIPANT',
      }),
    ]);
    expect(shown.reviewers.map((r: any) => r.user.name)).toEqual(['alice']);
    expect(shown.version).toBe(0);
  });
});
