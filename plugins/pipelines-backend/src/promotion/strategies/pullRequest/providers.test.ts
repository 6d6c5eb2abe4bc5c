import { mockServices } from '@backstage/backend-test-utils';
import { GitForge } from '@gitops-pipelines/sandbox';
import { execFile } from 'child_process';
import fs from 'fs';
import { promisify } from 'util';
import { BitbucketServerPullRequests } from './BitbucketServerPullRequests';
import { GithubPullRequests } from './GithubPullRequests';
import { GitlabMergeRequests } from './GitlabMergeRequests';
import { PullRequestProvider } from './PullRequestProvider';
import { PromotionError } from '../PromotionStrategy';

jest.setTimeout(60_000);
const run = promisify(execFile);
const user = {
  username: 'pipelines-bot',
  password: 'bot-password',
  token: 'bot-token',
};

/**
 * Each forge's client against the sandbox forge, which answers as the real APIs do: the
 * "already exists" answer is adopted, the state is followed to merged (with the merger)
 * or closed, and closing comments first.
 */
describe.each([
  [
    'github',
    (url: string) =>
      new GithubPullRequests({
        repoUrl: `${url}/gh/apps`,
        token: user.token,
        logger: mockServices.logger.mock(),
      }),
    'gh',
  ],
  [
    'gitlab',
    (url: string) =>
      new GitlabMergeRequests({ repoUrl: `${url}/gl/apps`, token: user.token }),
    'gl',
  ],
  [
    'bitbucket-server',
    (url: string) =>
      new BitbucketServerPullRequests({
        repoUrl: `${url}/scm/BB/apps.git`,
        token: user.token,
      }),
    'BB',
  ],
] as const)('%s pull requests', (_type, make, owner) => {
  let forge: GitForge;
  let provider: PullRequestProvider;

  beforeAll(async () => {
    forge = await GitForge.start({
      users: [
        user,
        { username: 'alice', password: 'alice-password', token: 'alice-token' },
      ],
    });
    await forge.createRepo(owner, 'apps', { 'a.yaml': 'v: 1\n' });
    for (const branch of ['promo', 'other'])
      await run('git', [
        '-C',
        forge.repoPath(owner, 'apps'),
        'branch',
        branch,
        'main',
      ]);
    provider = make(forge.url);
  });
  afterAll(async () => {
    await forge.stop();
    fs.rmSync(forge.dir, { recursive: true, force: true });
  });

  it('adopts the pull request the forge says already exists', async () => {
    const first = await provider.create({
      head: 'promo',
      base: 'main',
      title: 'Promote',
      body: 'b',
    });
    expect(first?.number).toBeGreaterThan(0);
    // A second writer (another replica, a lookup that missed) gets "already exists": undefined, then finds it.
    expect(
      await provider.create({
        head: 'promo',
        base: 'main',
        title: 'Promote again',
        body: 'b',
      }),
    ).toBeUndefined();
    expect(await provider.findOpen('promo', 'main')).toMatchObject({
      number: first!.number,
      url: first!.url,
    });
    expect(forge.listPulls(owner, 'apps')).toHaveLength(1);
  });

  it('makes a 401 on opening a pull request a retryable failure, not a final one', async () => {
    // (The runner retries it, as it retries 429 and 5xx: the clients themselves do not, except gitbeaker's 429/502.)
    forge.injectFaults({ status: 401, message: 'Bad credentials' });
    const error = await provider
      .create({ head: 'promo', base: 'main', title: 'x', body: 'b' })
      .then(
        () => undefined,
        e => e,
      );
    expect(error).toBeInstanceOf(PromotionError);
    expect(error).toMatchObject({ retryable: true });
    expect(error.message).toContain('HTTP 401');
  });

  it('keeps reviewers when it updates the title and description', async () => {
    const pr = forge.listPulls(owner, 'apps')[0];
    pr.reviewers = ['alice'];
    await provider.update(pr.number, {
      title: 'Promote (updated)',
      body: 'new body',
    });
    expect(forge.listPulls(owner, 'apps')[0]).toMatchObject({
      title: 'Promote (updated)',
      body: 'new body',
      reviewers: ['alice'],
    });
  });

  it('follows the pull request: open, then merged with who merged it', async () => {
    const { number } = forge.listPulls(owner, 'apps')[0];
    expect(await provider.get(number)).toMatchObject({ state: 'open' });
    await forge.mergePull(owner, 'apps', number, user.username);
    expect(await provider.get(number)).toMatchObject({
      state: 'merged',
      mergedBy: user.username,
      mergedAt: expect.any(String),
    });
  });

  it('closes with a comment, and then reports it closed', async () => {
    const created = await provider.create({
      head: 'other',
      base: 'main',
      title: 'Promote other',
      body: 'b',
    });
    await provider.close(created!.number, 'Cancelled by user:default/alice');
    const pr = forge
      .listPulls(owner, 'apps')
      .find(p => p.number === created!.number)!;
    expect(pr.state).toBe('closed');
    expect(JSON.stringify(pr)).toContain('Cancelled by user:default/alice');
    expect(await provider.get(created!.number)).toMatchObject({
      state: 'closed',
    });
  });
});
