import { mockServices } from '@backstage/backend-test-utils';
import { GitForge } from '@gitops-pipelines/sandbox';
import type { PromotionRecord } from '@gitops-pipelines/plugin-pipelines-common';
import { execFile } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { PromotionError } from '../PromotionStrategy';
import { PullRequestStrategy } from './PullRequestStrategy';
import { testForges } from '../../../__testUtils__/testForges';

jest.setTimeout(60_000);
const execFileAsync = promisify(execFile);

const user = {
  username: 'pipelines-bot',
  password: 'bot-password',
  token: 'bot-token',
};
const helmRelease = (env: string, version: string) => `# podinfo in ${env}
apiVersion: helm.toolkit.fluxcd.io/v2beta1
kind: HelmRelease
metadata:
  name: podinfo
  namespace: podinfo-02-${env}
spec:
  interval: 5m
  chart:
    spec:
      chart: podinfo
      version: ${version} # {"$promotion": "flux-system:podinfo-02:${env}"}
      sourceRef:   { kind: HelmRepository, name: podinfo }
  values:
    replicaCount: 2   # not marked
`;
const files = {
  'clusters/dev/podinfo.yaml': helmRelease('dev', '6.1.0'),
  'clusters/test/podinfo.yaml': helmRelease('test', '6.0.1'),
  'clusters/prod/podinfo.yaml': helmRelease('prod', '6.0.0'),
  'README.md': '# apps\n',
};

describe('PullRequestStrategy (github) against the sandbox forge', () => {
  let forge: GitForge;
  let cacheDir: string;
  let strategy: PullRequestStrategy;
  let url: string;

  beforeAll(async () => {
    forge = await GitForge.start({ users: [user] });
    await forge.createRepo('my-org', 'my-app-repo', files);
    url = `${forge.url}/my-org/my-app-repo`;
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pr-cache-'));
    const secret: Record<string, string> = {
      username: user.username,
      password: user.password,
      token: user.token,
    };
    strategy = new PullRequestStrategy({
      forges: testForges({ allowedHosts: [forge.url] }),
      secrets: (_cluster, ns, name, key) =>
        ns === 'flux-system' && name === 'github-credentials'
          ? secret[key]
          : undefined,
      cacheDir,
      logger: mockServices.logger.mock(),
    });
  });
  afterAll(async () => {
    await forge.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.rmSync(forge.dir, { recursive: true, force: true });
  });

  const ctx = (toEnvironment: string, version: string) => ({
    record: {
      id: `id-${version}`,
      pipeline: {
        cluster: 'management',
        namespace: 'flux-system',
        name: 'podinfo-02',
      },
      toEnvironment,
      fromEnvironment: 'dev',
      version,
      requestedBy: 'user:default/alice',
      trigger: 'user',
    } as PromotionRecord,
    pipeline: {
      apiVersion: 'pipelines.weave.works/v1alpha1',
      kind: 'Pipeline',
      metadata: { name: 'podinfo-02', namespace: 'flux-system' },
      spec: {},
    } as any,
    promotion: {
      strategy: {
        'pull-request': {
          type: 'github' as const,
          url,
          baseBranch: 'main',
          secretRef: { name: 'github-credentials' },
        },
      },
    },
    kubeConfig: undefined as any,
  });
  const branch = 'promotion-flux-system-podinfo-02-test';

  it('opens a pull request that edits the marked field and nothing else', async () => {
    const outcome = await strategy.execute(ctx('test', '6.1.0'));
    expect(outcome.pullRequest).toEqual({
      url: `${url}/pull/1`,
      number: 1,
      opened: true,
      body: expect.any(String),
    });
    expect(outcome.headSha).toMatch(/^[0-9a-f]{40}$/);
    const [pr] = forge.listPulls('my-org', 'my-app-repo');
    expect(pr).toMatchObject({
      number: 1,
      state: 'open',
      head: branch,
      base: 'main',
      title: 'Promote flux-system/podinfo-02 in test to 6.1.0',
    });
    expect(pr.body).toContain(
      'Promotes `6.1.0` into environment `test` of pipeline `flux-system/podinfo-02` (from `dev`).',
    );
    expect(
      await forge.readFile(
        'my-org',
        'my-app-repo',
        branch,
        'clusters/test/podinfo.yaml',
      ),
    ).toBe(helmRelease('test', '6.1.0').trimEnd());
    for (const other of [
      'clusters/dev/podinfo.yaml',
      'clusters/prod/podinfo.yaml',
      'README.md',
    ]) {
      expect(await forge.readFile('my-org', 'my-app-repo', branch, other)).toBe(
        files[other as keyof typeof files].trimEnd(),
      );
    }
    expect(
      await forge.readFile(
        'my-org',
        'my-app-repo',
        'main',
        'clusters/test/podinfo.yaml',
      ),
    ).toBe(helmRelease('test', '6.0.1').trimEnd());
  });

  it('updates the same pull request for a newer version, after a 429 left to the runner, reusing the cached clone', async () => {
    // octokit does not retry: the runner does, waiting as long as Retry-After asks.
    forge.injectFaults({ status: 429, retryAfterSeconds: 1 });
    await expect(strategy.execute(ctx('test', '6.2.0'))).rejects.toMatchObject({
      message: 'listing pull requests: HTTP 429 injected failure',
      retryable: true,
      retryAfterMs: 1000,
    });
    const outcome = await strategy.execute(ctx('test', '6.2.0'));
    expect(outcome).toMatchObject({
      pullRequest: { url: `${url}/pull/1`, opened: false },
      summary: `Updated pull request #1 ${url}/pull/1 to 6.2.0`,
    });
    const pulls = forge.listPulls('my-org', 'my-app-repo');
    expect(pulls).toHaveLength(1);
    expect(pulls[0].title).toBe(
      'Promote flux-system/podinfo-02 in test to 6.2.0',
    );
    expect(
      await forge.readFile(
        'my-org',
        'my-app-repo',
        branch,
        'clusters/test/podinfo.yaml',
      ),
    ).toContain('version: 6.2.0 # {"$promotion"');
    expect(fs.readdirSync(cacheDir)).toHaveLength(1);
  });

  it('fails for good without a marker, and retryably when the forge keeps failing', async () => {
    await expect(strategy.execute(ctx('staging', '1.0.0'))).rejects.toEqual(
      new PromotionError(
        `No field is marked # {"$promotion": "flux-system:podinfo-02:staging"} in ${url} (main)`,
        false,
      ),
    );
    forge.injectFaults({ status: 502 });
    const error: PromotionError = await strategy
      .execute(ctx('prod', '6.0.1'))
      .then(
        () => undefined as any,
        e => e,
      );
    expect(error).toBeInstanceOf(PromotionError);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      'listing pull requests: HTTP 502 injected failure',
    );
  });

  it('opens and then updates a GitLab merge request through @gitbeaker/rest', async () => {
    const c = ctx('prod', '6.0.1');
    (c.promotion.strategy['pull-request'] as any).type = 'gitlab';
    const first = await strategy.execute(c);
    const prodBranch = 'promotion-flux-system-podinfo-02-prod';
    const mr = forge
      .listPulls('my-org', 'my-app-repo')
      .find(p => p.head === prodBranch)!;
    expect(first.pullRequest?.url).toBe(`${url}/-/merge_requests/${mr.number}`);
    expect(mr).toMatchObject({
      state: 'open',
      base: 'main',
      title: 'Promote flux-system/podinfo-02 in prod to 6.0.1',
    });
    const again = ctx('prod', '6.1.0');
    (again.promotion.strategy['pull-request'] as any).type = 'gitlab';
    expect((await strategy.execute(again)).pullRequest?.url).toBe(
      first.pullRequest?.url,
    );
    expect(
      forge
        .listPulls('my-org', 'my-app-repo')
        .filter(p => p.head === prodBranch),
    ).toHaveLength(1);
    expect(mr.title).toBe('Promote flux-system/podinfo-02 in prod to 6.1.0');
    expect(
      await forge.readFile(
        'my-org',
        'my-app-repo',
        prodBranch,
        'clusters/prod/podinfo.yaml',
      ),
    ).toBe(helmRelease('prod', '6.1.0').trimEnd());
    expect(
      forge.requests.filter(r => r.includes('gitlab')).length,
    ).toBeGreaterThanOrEqual(4);
  });

  it('opens and then updates a Bitbucket Server pull request (REST 1.0, optimistic versions)', async () => {
    await forge.createRepo('PROJ', 'my-app-repo', files);
    const bbUrl = `${forge.url}/scm/PROJ/my-app-repo.git`;
    const run = (version: string) => {
      const c = ctx('test', version);
      Object.assign(c.promotion.strategy['pull-request'], {
        type: 'bitbucket-server',
        url: bbUrl,
      });
      return strategy.execute(c);
    };
    const first = await run('7.0.0');
    expect(first.pullRequest?.url).toBe(
      `${forge.url}/projects/PROJ/repos/my-app-repo/pull-requests/1`,
    );
    const second = await run('7.1.0');
    expect(second).toMatchObject({
      pullRequest: { url: first.pullRequest?.url, opened: false },
    });
    const [pr] = forge.listPulls('PROJ', 'my-app-repo');
    expect(pr).toMatchObject({
      state: 'open',
      head: branch,
      base: 'main',
      title: 'Promote flux-system/podinfo-02 in test to 7.1.0',
    });
    expect(
      await forge.readFile(
        'PROJ',
        'my-app-repo',
        branch,
        'clusters/test/podinfo.yaml',
      ),
    ).toBe(helmRelease('test', '7.1.0').trimEnd());
    forge.injectFaults({ status: 503, retryAfterSeconds: 3 });
    const error: PromotionError = await run('7.2.0').then(
      () => undefined as any,
      e => e,
    );
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 3000 });
    expect(error.message).toBe(
      'listing pull requests: HTTP 503 injected failure',
    );
  });

  it('stacks the edit on a commit someone else pushed to the promotion branch instead of discarding it', async () => {
    await strategy.execute(ctx('test', '8.0.0'));
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'reviewer-'));
    const git = (...args: string[]) =>
      execFileAsync(
        'git',
        ['-c', 'user.name=Reviewer', '-c', 'user.email=r@example.com', ...args],
        { cwd: work },
      );
    await git(
      'clone',
      '-q',
      '-b',
      branch,
      `${url.replace(
        'http://',
        `http://${user.username}:${user.password}@`,
      )}.git`,
      '.',
    );
    fs.writeFileSync(path.join(work, 'NOTES.md'), 'reviewed\n');
    await git('add', 'NOTES.md');
    await git('commit', '-q', '-m', 'reviewer note');
    await git('push', '-q', 'origin', branch);
    const second = await strategy.execute(ctx('test', '8.1.0'));
    expect(second.summary).toMatch(/kept 1 commit\(s\) by others/);
    expect(
      await forge.readFile('my-org', 'my-app-repo', branch, 'NOTES.md'),
    ).toBe('reviewed');
    expect(
      await forge.readFile(
        'my-org',
        'my-app-repo',
        branch,
        'clusters/test/podinfo.yaml',
      ),
    ).toContain('version: 8.1.0 #');
    // The reviewer's commit stays under every later promotion.
    const third = await strategy.execute(ctx('test', '8.2.0'));
    expect(third.summary).toMatch(/kept 1 commit/);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('keeps what humans wrote in the description outside the generated section', async () => {
    const number = forge
      .listPulls('my-org', 'my-app-repo')
      .find(p => p.head === branch && p.state === 'open')!.number;
    const pr = forge
      .listPulls('my-org', 'my-app-repo')
      .find(p => p.number === number)!;
    pr.body = `Please check the dashboards first.\n\n${pr.body}\n\nSigned-off: ops`;
    await strategy.execute(ctx('test', '8.3.0'));
    expect(pr.body).toMatch(/^Please check the dashboards first\./);
    expect(pr.body).toMatch(/Signed-off: ops$/);
    expect(pr.body).toContain('Promotes `8.3.0`');
    expect(pr.body).not.toContain('8.2.0');
  });
});
