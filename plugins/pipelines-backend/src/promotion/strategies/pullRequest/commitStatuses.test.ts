import { mockServices } from '@backstage/backend-test-utils';
import { Gitlab } from '@gitbeaker/rest';
import { GitForge } from '@gitops-pipelines/sandbox';
import { execFile } from 'child_process';
import fs from 'fs';
import { Octokit } from 'octokit';
import { promisify } from 'util';
import { BitbucketServerPullRequests } from './BitbucketServerPullRequests';
import { GithubPullRequests } from './GithubPullRequests';
import { GitlabMergeRequests } from './GitlabMergeRequests';
import { PullRequestProvider } from './PullRequestProvider';

jest.setTimeout(60_000);
const run = promisify(execFile);
const user = {
  username: 'pipelines-bot',
  password: 'bot-password',
  token: 'bot-token',
};
const context = 'pipelines/flux-system/podinfo-02/prod';

/** The status of `context` on a commit, read back through each forge's own API and client, as `state: description`. */
type Reader = (forgeUrl: string, sha: string) => Promise<string | undefined>;

const github: Reader = async (url, sha) => {
  const { data } = await new Octokit({
    auth: user.token,
    baseUrl: `${url}/api/v3`,
  }).rest.repos.getCombinedStatusForRef({
    owner: 'gh',
    repo: 'apps',
    ref: sha,
  });
  const s = data.statuses.find(x => x.context === context);
  return s && `${s.state}: ${s.description}`;
};
const gitlab: Reader = async (url, sha) => {
  const statuses = await new Gitlab({
    host: url,
    token: user.token,
  }).Commits.allStatuses('gl/apps', sha);
  const s = statuses.find(x => x.name === context);
  return s && `${s.status}: ${s.description}`;
};
const bitbucket: Reader = async (url, sha) => {
  const res = await fetch(
    `${url}/rest/api/1.0/projects/BB/repos/apps/commits/${sha}/builds?key=${encodeURIComponent(
      context,
    )}`,
    { headers: { Authorization: `Bearer ${user.token}` } },
  );
  if (res.status === 404) return undefined;
  const s = await res.json();
  return `${s.state}: ${s.description}`;
};

/**
 * Issue 16 §7: the gate status of a promotion pull request on each forge, set by the
 * strategy's client and read back through the forge's own API (octokit, @gitbeaker/rest,
 * Bitbucket's REST) on the sandbox forge: pending with the reason, then success; setting the
 * state it already has is harmless (GitLab answers 400 "Cannot transition status" for it).
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
    github,
    ['pending', 'success'],
  ],
  [
    'gitlab',
    (url: string) =>
      new GitlabMergeRequests({ repoUrl: `${url}/gl/apps`, token: user.token }),
    'gl',
    gitlab,
    ['pending', 'success'],
  ],
  [
    'bitbucket-server',
    (url: string) =>
      new BitbucketServerPullRequests({
        repoUrl: `${url}/scm/BB/apps.git`,
        token: user.token,
      }),
    'BB',
    bitbucket,
    ['INPROGRESS', 'SUCCESSFUL'],
  ],
] as const)(
  '%s commit statuses',
  (_type, make, owner, read, [pending, success]) => {
    let forge: GitForge;
    let provider: PullRequestProvider;
    let sha: string;

    beforeAll(async () => {
      forge = await GitForge.start({ users: [user] });
      await forge.createRepo(owner, 'apps', { 'a.yaml': 'v: 1\n' });
      sha = (
        await run('git', [
          '-C',
          forge.repoPath(owner, 'apps'),
          'rev-parse',
          'main',
        ])
      ).stdout.trim();
      provider = make(forge.url);
    });
    afterAll(async () => {
      await forge.stop();
      fs.rmSync(forge.dir, { recursive: true, force: true });
    });

    it('sets the gate status of a commit: pending with the reason, the same again, then success', async () => {
      expect(await read(forge.url, sha)).toBeUndefined();
      await provider.setCommitStatus!(sha, {
        state: 'pending',
        context,
        description: 'waiting: prod is frozen until 2026-12-01T07:00:00Z',
      });
      await provider.setCommitStatus!(sha, {
        state: 'pending',
        context,
        description: 'waiting: prod is frozen until 2026-12-01T07:00:00Z',
      });
      expect(await read(forge.url, sha)).toBe(
        `${pending}: waiting: prod is frozen until 2026-12-01T07:00:00Z`,
      );
      await provider.setCommitStatus!(sha, {
        state: 'success',
        context,
        description: 'all gates passed',
      });
      expect(await read(forge.url, sha)).toBe(`${success}: all gates passed`);
    });

    it('refuses a commit the repository does not have, as a retryable failure', async () => {
      await expect(
        provider.setCommitStatus!('0123456789abcdef0123456789abcdef01234567', {
          state: 'success',
          context,
          description: 'x',
        }),
      ).rejects.toMatchObject({ retryable: true });
    });
  },
);
