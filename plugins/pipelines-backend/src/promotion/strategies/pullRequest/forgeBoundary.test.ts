import { mockServices } from '@backstage/backend-test-utils';
import { GitForge } from '@gitops-pipelines/sandbox';
import type { PromotionRecord } from '@gitops-pipelines/plugin-pipelines-common';
import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  Listener,
  startRecorder,
  startRedirector,
  withCredentials,
} from '../../../__testUtils__/hostileListeners';
import {
  testForges,
  testIntegrations,
} from '../../../__testUtils__/testForges';
import { PromotionError } from '../PromotionStrategy';
import { BitbucketServerPullRequests } from './BitbucketServerPullRequests';
import { GithubPullRequests } from './GithubPullRequests';
import { GitlabMergeRequests } from './GitlabMergeRequests';
import { gitlabRequester } from './gitlabRequester';
import { PullRequestStrategy } from './PullRequestStrategy';

jest.setTimeout(60_000);

const user = {
  username: 'pipelines-bot',
  password: 'bot-password',
  token: 'bot-token',
};
const SECRET: Record<string, string> = { ...user };

/**
 * Issue 22 §3: a Pipeline author points the pull-request strategy (with the forge bot's
 * Secret) at a listener of theirs, directly or through a redirect from a known host. The
 * credentials go only to the forge they belong to: the listener never sees one.
 */
describe('credentials stay with their forge', () => {
  let forge: GitForge;
  let recorder: Listener;
  let redirector: Listener;
  let cacheDir: string;
  let strategy: PullRequestStrategy;

  beforeAll(async () => {
    forge = await GitForge.start({ users: [user] });
    await forge.createRepo('my-org', 'my-app-repo', {
      'app.yaml': 'version: 1.0.0 # {"$promotion": "flux-system:app:prod"}\n',
    });
    recorder = await startRecorder();
    // A known (allowed) host that answers every request with a redirect to the recorder.
    redirector = await startRedirector(recorder.url);
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pr-boundary-'));
    strategy = new PullRequestStrategy({
      forges: testForges({ allowedHosts: [forge.url, redirector.url] }),
      secrets: (_c, ns, name, key) =>
        ns === 'flux-system' && name === 'bot' ? SECRET[key] : undefined,
      cacheDir,
      logger: mockServices.logger.mock(),
    });
  });
  afterAll(async () => {
    await Promise.all([forge.stop(), recorder.stop(), redirector.stop()]);
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.rmSync(forge.dir, { recursive: true, force: true });
  });
  afterEach(() => {
    recorder.received.length = 0;
    redirector.received.length = 0;
  });

  const ctx = (
    url: string,
    type: 'github' | 'gitlab' | 'bitbucket-server' = 'github',
  ) => ({
    record: {
      id: 'id-1',
      pipeline: {
        cluster: 'management',
        namespace: 'flux-system',
        name: 'app',
      },
      toEnvironment: 'prod',
      fromEnvironment: 'test',
      version: '1.2.0',
      requestedBy: 'user:default/mallory',
      trigger: 'user',
      pullRequestNumber: 1,
    } as PromotionRecord,
    pipeline: { metadata: { name: 'app', namespace: 'flux-system' } } as any,
    promotion: {
      strategy: {
        'pull-request': {
          type,
          url,
          baseBranch: 'main',
          secretRef: { name: 'bot' },
        },
      },
    },
    kubeConfig: undefined as any,
  });

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected a failure');
      },
      e => e as PromotionError,
    );

  it.each(['github', 'gitlab', 'bitbucket-server'] as const)(
    'refuses a %s url on an unknown listener for preview, execute, follow and close, sending nothing',
    async type => {
      const c = ctx(`${recorder.url}/my-org/my-app-repo`, type);
      const host = new URL(recorder.url).host;
      for (const call of [
        () => strategy.preview(c),
        () => strategy.execute(c),
        () => strategy.followPullRequest(c),
        () => strategy.closePullRequest(c, 'bye'),
      ]) {
        const error = await failure(call());
        expect(error).toBeInstanceOf(PromotionError);
        expect(error.retryable).toBe(false);
        // 127.0.0.1 is known (the forge, the redirector): on other ports only.
        expect(error.message).toBe(
          `The pull-request url host ${host} is not a known forge (127.0.0.1 is known, on another port: the port must be configured too); add it to Backstage integrations or to pipelines.forges.allowedHosts`,
        );
      }
      expect(recorder.received).toEqual([]);
    },
  );

  it('refuses the forge itself under another scheme or with userinfo', async () => {
    const https = forge.url.replace('http:', 'https:');
    for (const url of [
      `${https}/my-org/my-app-repo`,
      `${forge.url.replace(
        '://',
        `://${user.username}:x@`,
      )}/my-org/my-app-repo`,
    ]) {
      const error = await failure(strategy.preview(ctx(url)));
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(/uses https|user name or password/);
    }
  });

  it('git follows no redirect from a known host: the listener it points at gets nothing', async () => {
    const error = await failure(
      strategy.preview(ctx(`${redirector.url}/my-org/my-app-repo`)),
    );
    expect(error).toBeInstanceOf(PromotionError);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      /redirect; credentials are never sent on a redirect/,
    );
    expect(redirector.received.length).toBeGreaterThan(0);
    expect(recorder.received).toEqual([]);
  });

  it.each([301, 302, 303, 307, 308])(
    'every API client refuses a %i: the listener it points at gets nothing',
    async status => {
      const redirecting = await startRedirector(recorder.url, status);
      try {
        const clients = [
          new GithubPullRequests({
            repoUrl: `${redirecting.url}/my-org/my-app-repo`,
            apiBaseUrl: `${redirecting.url}/api/v3`,
            token: user.token,
            logger: mockServices.logger.mock(),
          }),
          new GitlabMergeRequests({
            repoUrl: `${redirecting.url}/my-org/my-app-repo`,
            token: user.token,
          }),
          new BitbucketServerPullRequests({
            repoUrl: `${redirecting.url}/scm/KEY/my-app-repo.git`,
            token: user.token,
          }),
        ];
        for (const client of clients) {
          const error = await failure(client.findOpen('promo', 'main'));
          expect(error).toBeInstanceOf(PromotionError);
          expect(error.retryable).toBe(false);
          expect(error.message).toContain(
            `the forge answered HTTP ${status}, a redirect to ${recorder.url}; credentials are never sent on a redirect`,
          );
        }
        expect(withCredentials(redirecting.received)).toHaveLength(3);
        expect(recorder.received).toEqual([]);
      } finally {
        await redirecting.stop();
      }
    },
  );

  it('the GitLab requester sends nothing outside its API base', async () => {
    const requester = gitlabRequester({
      apiBaseUrl: `${redirector.url}/api/v4`,
      token: user.token,
      timeoutMs: 5000,
    })({ url: `${redirector.url}/api/v4/projects` });
    for (const endpoint of [
      `${recorder.url}/api/v4/projects`,
      `${redirector.url}/api/v5/x`,
      '../../admin',
    ])
      await expect(requester.get(endpoint)).rejects.toThrow(
        /outside its API .*credentials are never sent on a redirect/,
      );
    expect(recorder.received).toEqual([]);
    expect(redirector.received).toEqual([]);
  });

  it('the forge itself still works, and the record keeps its pull request link', async () => {
    const outcome = await strategy.execute(
      ctx(`${forge.url}/my-org/my-app-repo`),
    );
    expect(outcome.pullRequest).toMatchObject({
      number: 1,
      url: `${forge.url}/my-org/my-app-repo/pull/1`,
      opened: true,
    });
  });
});

describe('credentials from Backstage integrations', () => {
  let forge: GitForge;
  let cacheDir: string;
  const host = () => new URL(forge.url).host;

  beforeAll(async () => {
    forge = await GitForge.start({ users: [user] });
    await forge.createRepo('my-org', 'my-app-repo', {
      'app.yaml': 'version: 1.0.0 # {"$promotion": "team-a:app:prod"}\n',
    });
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pr-integrations-'));
  });
  afterAll(async () => {
    await forge.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.rmSync(forge.dir, { recursive: true, force: true });
  });

  const make = (credentials: 'secret' | 'integrations', token?: string) => {
    const integrations = {
      github: [
        {
          host: host(),
          apiBaseUrl: `${forge.url}/api/v3`,
          ...(token ? { token } : {}),
        },
      ],
    };
    return new PullRequestStrategy({
      forges: testForges({ credentials }, integrations),
      integrations: testIntegrations(integrations),
      secrets: () => undefined, // the Secret does not exist
      cacheDir,
      logger: mockServices.logger.mock(),
    });
  };

  const ctx = () => ({
    record: {
      id: 'id-2',
      pipeline: { cluster: 'management', namespace: 'team-a', name: 'app' },
      toEnvironment: 'prod',
      fromEnvironment: 'test',
      version: '1.3.0',
      requestedBy: 'user:default/alice',
      trigger: 'user',
    } as PromotionRecord,
    pipeline: { metadata: { name: 'app', namespace: 'team-a' } } as any,
    promotion: {
      strategy: {
        'pull-request': {
          type: 'github' as const,
          url: `${forge.url}/my-org/my-app-repo`,
          baseBranch: 'main',
          secretRef: { name: 'missing' },
        },
      },
    },
    kubeConfig: undefined as any,
  });

  it('uses the Secret by default, and says which one is missing', async () => {
    await expect(make('secret', user.token).preview(ctx())).rejects.toEqual(
      new PromotionError(
        'Secret team-a/missing has no "token" for the github API (or is not readable yet)',
        true,
      ),
    );
  });

  it('with credentials: integrations, opens the pull request with the integration token, reading no Secret', async () => {
    const outcome = await make('integrations', user.token).execute(ctx());
    expect(outcome.pullRequest).toMatchObject({ number: 1, opened: true });
    expect(
      await forge.readFile(
        'my-org',
        'my-app-repo',
        'promotion-team-a-app-prod',
        'app.yaml',
      ),
    ).toContain('version: 1.3.0');
  });

  it('with credentials: integrations, fails for good when the integration has none', async () => {
    await expect(make('integrations').preview(ctx())).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining(
        `the github integration for ${host()} has no credentials for ${
          forge.url
        }/my-org/my-app-repo`,
      ),
    });
  });
});
