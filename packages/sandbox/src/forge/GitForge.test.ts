import { execFile } from 'child_process';
import fs from 'fs';
import { Octokit } from 'octokit';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { GitForge } from './GitForge';

jest.setTimeout(60_000);
const run = promisify(execFile);
const user = { username: 'forge-user', password: 'forge-password', token: 'forge-token' };

describe('GitForge', () => {
  let forge: GitForge;
  let work: string;
  let cloneUrl: string;
  const gitIn = (cwd: string, ...args: string[]) =>
    run('git', ['-c', 'user.name=T', '-c', 'user.email=t@t', ...args], { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });

  beforeAll(async () => {
    forge = await GitForge.start({ users: [user] });
    cloneUrl = await forge.createRepo('my-org', 'my-app-repo', { 'apps/dev.yaml': 'version: 1.0.0\n', 'README.md': '# demo\n' });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-test-'));
  });
  afterAll(async () => {
    await forge.stop();
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(forge.dir, { recursive: true, force: true });
  });

  const authed = (u = user.username, p = user.password) => cloneUrl.replace('http://', `http://${u}:${p}@`);
  const octokit = () => new Octokit({ auth: user.token, baseUrl: `${forge.url}/api/v3`, retry: { enabled: false }, throttle: { enabled: false } });

  it('serves git clone and push over smart-HTTP with basic or token auth, and refuses anonymous access', async () => {
    await gitIn(work, 'clone', '-q', authed(), 'a');
    expect(fs.readFileSync(path.join(work, 'a', 'apps/dev.yaml'), 'utf8')).toBe('version: 1.0.0\n');
    await gitIn(work, 'clone', '-q', authed('x-access-token', user.token), 'b');
    await expect(gitIn(work, 'clone', '-q', cloneUrl, 'c')).rejects.toThrow(/Authentication failed|could not read Username|401/);
    fs.writeFileSync(path.join(work, 'a', 'apps/dev.yaml'), 'version: 1.1.0\n');
    await gitIn(path.join(work, 'a'), 'checkout', '-q', '-b', 'promotion');
    await gitIn(path.join(work, 'a'), 'commit', '-qam', 'promoting version');
    await gitIn(path.join(work, 'a'), 'push', '-q', 'origin', 'promotion');
    expect(await forge.readFile('my-org', 'my-app-repo', 'promotion', 'apps/dev.yaml')).toBe('version: 1.1.0');
  });

  it('answers octokit: repository, pulls list / create / update, comments, merge that really merges', async () => {
    const gh = octokit();
    const repo = await gh.rest.repos.get({ owner: 'my-org', repo: 'my-app-repo' });
    expect(repo.data.default_branch).toBe('main');
    expect(repo.headers['x-ratelimit-remaining']).toBe('4999');
    const created = await gh.rest.pulls.create({ owner: 'my-org', repo: 'my-app-repo', head: 'promotion', base: 'main', title: 'Promote', body: 'b' });
    expect(created.data).toMatchObject({ number: 1, state: 'open', head: { ref: 'promotion' }, html_url: `${forge.url}/my-org/my-app-repo/pull/1` });
    await expect(gh.rest.pulls.create({ owner: 'my-org', repo: 'my-app-repo', head: 'promotion', base: 'main', title: 'again' })).rejects.toMatchObject({ status: 422 });
    const open = await gh.rest.pulls.list({ owner: 'my-org', repo: 'my-app-repo', head: 'my-org:promotion', base: 'main', state: 'open' });
    expect(open.data.map(p => p.number)).toEqual([1]);
    await gh.rest.pulls.update({ owner: 'my-org', repo: 'my-app-repo', pull_number: 1, title: 'Promote (updated)' });
    await gh.rest.issues.createComment({ owner: 'my-org', repo: 'my-app-repo', issue_number: 1, body: 'superseded' });
    await gh.rest.pulls.merge({ owner: 'my-org', repo: 'my-app-repo', pull_number: 1 });
    expect(await forge.readFile('my-org', 'my-app-repo', 'main', 'apps/dev.yaml')).toBe('version: 1.1.0');
    const merged = await gh.rest.pulls.get({ owner: 'my-org', repo: 'my-app-repo', pull_number: 1 });
    expect(merged.data).toMatchObject({ state: 'closed', merged: true, title: 'Promote (updated)' });
    await expect(new Octokit({ auth: 'wrong', baseUrl: `${forge.url}/api/v3`, retry: { enabled: false } }).rest.repos.get({ owner: 'my-org', repo: 'my-app-repo' })).rejects.toMatchObject({ status: 401 });
  });

  it('injects rate limiting and failures that octokit\'s retry and throttling plugins handle', async () => {
    // GitHub's primary rate limit: 403 with X-RateLimit-Remaining 0 until X-RateLimit-Reset.
    forge.injectFaults({ status: 403, retryAfterSeconds: 1, message: 'API rate limit exceeded for user' });
    const retried: number[] = [];
    const gh = new Octokit({
      auth: user.token,
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
    const res = await gh.rest.repos.get({ owner: 'my-org', repo: 'my-app-repo' });
    expect(res.status).toBe(200);
    // the throttling plugin saw the rate limit and waited until the reset the forge announced
    expect(retried).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    // 429 with Retry-After: the retry plugin tries again
    forge.injectFaults({ status: 429, retryAfterSeconds: 1 });
    expect((await gh.rest.repos.get({ owner: 'my-org', repo: 'my-app-repo' })).status).toBe(200);
    // latency: the request is served, late
    forge.injectFaults({ delayMs: 700 });
    const slow = Date.now();
    expect((await octokit().rest.repos.get({ owner: 'my-org', repo: 'my-app-repo' })).status).toBe(200);
    expect(Date.now() - slow).toBeGreaterThanOrEqual(650);
    forge.injectFaults({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    await expect(octokit().rest.repos.get({ owner: 'my-org', repo: 'my-app-repo' })).rejects.toMatchObject({ status: 500 });
    forge.injectFaults(); // nothing left over for the next test
  });
});
