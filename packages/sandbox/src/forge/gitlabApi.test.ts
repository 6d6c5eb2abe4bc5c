import { Gitlab } from '@gitbeaker/rest';
import {
  forgeUsers,
  pushBranch,
  startTestForge,
  stopTestForge,
} from './forgeTestUtils';
import { GitForge } from './GitForge';

jest.setTimeout(60_000);
const { author, alice, bob } = forgeUsers;
const project = 'my-org/my-app-repo';

describe('GitForge GitLab API', () => {
  let forge: GitForge;
  beforeAll(async () => {
    forge = await startTestForge('my-org', 'my-app-repo');
  });
  afterAll(() => stopTestForge(forge));

  const gitlab = (token = author.token) =>
    new Gitlab({ host: forge.url, token });
  /** Pushes a branch changing one file of its own and opens a merge request of it into main. */
  const openMr = async (
    branch: string,
    options: { labels?: string; reviewerIds?: number[] } = {},
  ) => {
    await pushBranch(forge, 'my-org', 'my-app-repo', branch, {
      [`apps/${branch}.yaml`]: `branch: ${branch}\n`,
    });
    return gitlab().MergeRequests.create(
      project,
      branch,
      'main',
      `Promote ${branch}`,
      { description: 'd', ...options },
    );
  };
  const userId = async (username: string) =>
    (await gitlab().Users.all({ username }))[0].id;

  it("answers a second open merge request for the same branches with GitLab's 409 and its exact message", async () => {
    const first = await openMr('duplicate');
    expect(first).toMatchObject({
      state: 'opened',
      source_branch: 'duplicate',
      target_branch: 'main',
      web_url: `${forge.url}/my-org/my-app-repo/-/merge_requests/${first.iid}`,
    });
    const error = await gitlab()
      .MergeRequests.create(project, 'duplicate', 'main', 'again')
      .catch(e => e);
    expect(error.cause.response.status).toBe(409);
    expect(JSON.parse(error.cause.description)).toEqual([
      `Another open merge request already exists for this source branch: !${first.iid}`,
    ]);
    const listed = await gitlab().MergeRequests.all({
      projectId: project,
      state: 'opened',
      sourceBranch: 'duplicate',
    });
    expect(listed.map(m => m.iid)).toEqual([first.iid]);
  });

  it('shows a merge request merged through the API as merged, with merged_by and merged_at', async () => {
    const mr = await openMr('merged-by-api');
    const merged = await gitlab(alice.token).MergeRequests.accept(
      project,
      mr.iid,
    );
    expect(merged).toMatchObject({
      state: 'merged',
      merged_by: { username: 'alice' },
      merge_user: { username: 'alice' },
      closed_at: null,
      closed_by: null,
    });
    expect(merged.merged_at).toEqual(expect.any(String));
    expect(
      await forge.readFile(
        'my-org',
        'my-app-repo',
        'main',
        'apps/merged-by-api.yaml',
      ),
    ).toBe('branch: merged-by-api');
    expect((await gitlab().MergeRequests.show(project, mr.iid)).state).toBe(
      'merged',
    );
    await expect(
      gitlab().MergeRequests.accept(project, mr.iid),
    ).rejects.toMatchObject({ cause: { response: { status: 405 } } });
  });

  it('shows the user a test merged as merged_by', async () => {
    const mr = await openMr('merged-by-helper');
    await forge.mergePull('my-org', 'my-app-repo', mr.iid, 'bob');
    const shown = await gitlab().MergeRequests.show(project, mr.iid);
    expect(shown).toMatchObject({
      state: 'merged',
      merged_by: { username: 'bob' },
    });
    const merged = await gitlab().MergeRequests.all({
      projectId: project,
      state: 'merged',
      sourceBranch: 'merged-by-helper',
    });
    expect(merged.map(m => m.iid)).toEqual([mr.iid]);
  });

  it('closes a merge request through MergeRequests.edit with stateEvent close, and reopens it', async () => {
    const mr = await openMr('to-close');
    const closed = await gitlab().MergeRequests.edit(project, mr.iid, {
      stateEvent: 'close',
    });
    expect(closed).toMatchObject({
      state: 'closed',
      closed_by: { username: author.username },
      merged_by: null,
      merged_at: null,
    });
    expect(closed.closed_at).toEqual(expect.any(String));
    const reopened = await gitlab().MergeRequests.edit(project, mr.iid, {
      stateEvent: 'reopen',
    });
    expect(reopened).toMatchObject({
      state: 'opened',
      closed_at: null,
      closed_by: null,
    });
    forge.closePull('my-org', 'my-app-repo', mr.iid);
    expect((await gitlab().MergeRequests.show(project, mr.iid)).state).toBe(
      'closed',
    );
  });

  it('keeps labels and reviewers across edits of the title and description', async () => {
    const [aliceId, bobId] = [await userId('alice'), await userId('bob')];
    const mr = await openMr('labelled', {
      labels: 'promotion',
      reviewerIds: [aliceId],
    });
    expect(mr).toMatchObject({
      labels: ['promotion'],
      reviewers: [{ username: 'alice' }],
    });
    const more = await gitlab().MergeRequests.edit(project, mr.iid, {
      addLabels: 'env::prod',
      reviewerIds: [aliceId, bobId],
    });
    expect(more.labels).toEqual(['env::prod', 'promotion']);
    const edited = await gitlab().MergeRequests.edit(project, mr.iid, {
      title: 'Promote 2.0.0',
      description: 'new',
    });
    expect(edited).toMatchObject({
      title: 'Promote 2.0.0',
      description: 'new',
      labels: ['env::prod', 'promotion'],
    });
    expect(
      (edited.reviewers as Array<{ username: string }>).map(r => r.username),
    ).toEqual(['alice', 'bob']);
    const replaced = await gitlab().MergeRequests.edit(project, mr.iid, {
      labels: ['promotion'],
      reviewerIds: [],
    });
    expect(replaced).toMatchObject({ labels: ['promotion'], reviewers: [] });
  });

  it('adds notes to a merge request and lists them newest first, as GitLab does by default', async () => {
    const mr = await openMr('noted');
    const note = await gitlab().MergeRequestNotes.create(
      project,
      mr.iid,
      'Superseded by a newer promotion',
    );
    expect(note).toMatchObject({
      body: 'Superseded by a newer promotion',
      author: { username: author.username },
      system: false,
      noteable_iid: mr.iid,
      noteable_type: 'MergeRequest',
    });
    await gitlab(bob.token).MergeRequestNotes.create(project, mr.iid, 'second');
    const notes = await gitlab().MergeRequestNotes.all(project, mr.iid);
    expect(notes.map(n => [n.body, n.author.username])).toEqual([
      ['second', 'bob'],
      ['Superseded by a newer promotion', author.username],
    ]);
    const ascending = await gitlab().MergeRequestNotes.all(project, mr.iid, {
      sort: 'asc',
    });
    expect(ascending.map(n => n.body)).toEqual([
      'Superseded by a newer promotion',
      'second',
    ]);
    expect(
      (await gitlab().MergeRequests.show(project, mr.iid)).user_notes_count,
    ).toBe(2);
  });
});
