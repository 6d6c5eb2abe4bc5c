import { execFile } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Octokit } from 'octokit';
import { promisify } from 'util';
import {
  forgeUsers,
  pushBranch,
  startTestForge,
  stopTestForge,
} from './forgeTestUtils';
import { git } from './git';
import { GitForge } from './GitForge';

jest.setTimeout(60_000);
const run = promisify(execFile);
const user = forgeUsers.author;

describe('GitForge', () => {
  let forge: GitForge;
  let work: string;
  let cloneUrl: string;
  const gitIn = (cwd: string, ...args: string[]) =>
    run('git', ['-c', 'user.name=T', '-c', 'user.email=t@t', ...args], {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });

  beforeAll(async () => {
    forge = await startTestForge('my-org', 'helpers');
    cloneUrl = await forge.createRepo('my-org', 'my-app-repo', {
      'apps/dev.yaml': 'version: 1.0.0\n',
      'README.md': '# demo\n',
    });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-test-'));
  });
  afterAll(async () => {
    await stopTestForge(forge);
    fs.rmSync(work, { recursive: true, force: true });
  });

  const authed = (u = user.username, p = user.password) =>
    cloneUrl.replace('http://', `http://${u}:${p}@`);
  /** Opens a pull request of `head` into main through the GitHub API; its number. */
  const openPull = async (head: string) => {
    const gh = new Octokit({
      auth: user.token,
      baseUrl: `${forge.url}/api/v3`,
      retry: { enabled: false },
      throttle: { enabled: false },
    });
    const { data } = await gh.rest.pulls.create({
      owner: 'my-org',
      repo: 'helpers',
      head,
      base: 'main',
      title: `Promote ${head}`,
    });
    return data.number;
  };

  it('serves git clone and push over smart-HTTP with basic or token auth, and refuses anonymous access', async () => {
    await gitIn(work, 'clone', '-q', authed(), 'a');
    expect(fs.readFileSync(path.join(work, 'a', 'apps/dev.yaml'), 'utf8')).toBe(
      'version: 1.0.0\n',
    );
    await gitIn(work, 'clone', '-q', authed('x-access-token', user.token), 'b');
    await expect(gitIn(work, 'clone', '-q', cloneUrl, 'c')).rejects.toThrow(
      /Authentication failed|could not read Username|401/,
    );
    fs.writeFileSync(path.join(work, 'a', 'apps/dev.yaml'), 'version: 1.1.0\n');
    await gitIn(path.join(work, 'a'), 'checkout', '-q', '-b', 'promotion');
    await gitIn(path.join(work, 'a'), 'commit', '-qam', 'promoting version');
    await gitIn(path.join(work, 'a'), 'push', '-q', 'origin', 'promotion');
    expect(
      await forge.readFile(
        'my-org',
        'my-app-repo',
        'promotion',
        'apps/dev.yaml',
      ),
    ).toBe('version: 1.1.0');
  });

  it('lets tests of other packages merge a pull request as a given user, with a real merge commit', async () => {
    await pushBranch(forge, 'my-org', 'helpers', 'merge-me', {
      'apps/prod.yaml': 'version: 2.0.0\n',
    });
    const number = await openPull('merge-me');
    const merged = await forge.mergePull('my-org', 'helpers', number, 'alice');
    expect(merged).toMatchObject({
      state: 'closed',
      merged: true,
      merged_by: 'alice',
      closed_by: null,
    });
    expect(merged.merged_at).toBe(merged.closed_at);
    expect(merged.merge_commit_sha).toBe(
      await git(forge.repoPath('my-org', 'helpers'), 'rev-parse', 'main'),
    );
    expect(
      await forge.readFile('my-org', 'helpers', 'main', 'apps/prod.yaml'),
    ).toBe('version: 2.0.0');
    await expect(
      forge.mergePull('my-org', 'helpers', number, 'alice'),
    ).rejects.toThrow('is not open');
  });

  it('lets tests of other packages close a pull request without merging it', async () => {
    await pushBranch(forge, 'my-org', 'helpers', 'close-me', {
      'apps/test.yaml': 'version: 3.0.0\n',
    });
    const number = await openPull('close-me');
    const p = forge
      .listPulls('my-org', 'helpers')
      .find(x => x.number === number)!;
    const versionBefore = p.version;
    expect(forge.closePull('my-org', 'helpers', p.number)).toMatchObject({
      state: 'closed',
      merged: false,
      merged_by: null,
      closed_by: user.username,
    });
    expect(p.closed_at).not.toBeNull();
    expect(p.version).toBe(versionBefore + 1);
    await expect(
      forge.readFile('my-org', 'helpers', 'main', 'apps/test.yaml'),
    ).rejects.toThrow();
    expect(() => forge.closePull('my-org', 'helpers', p.number)).toThrow(
      'is not open',
    );
    expect(() => forge.closePull('my-org', 'helpers', 99)).toThrow(
      'no pull request my-org/helpers#99',
    );
  });

  it('refuses to merge a pull request whose branch conflicts with the base, leaving it open', async () => {
    await pushBranch(forge, 'my-org', 'helpers', 'conflict-a', {
      'apps/conflict.yaml': 'a\n',
    });
    await pushBranch(forge, 'my-org', 'helpers', 'conflict-b', {
      'apps/conflict.yaml': 'b\n',
    });
    const a = await openPull('conflict-a');
    const b = await openPull('conflict-b');
    await forge.mergePull('my-org', 'helpers', a, 'bob');
    await expect(
      forge.mergePull('my-org', 'helpers', b, 'bob'),
    ).rejects.toThrow('has conflicts');
    expect(forge.listPulls('my-org', 'helpers')[b - 1]).toMatchObject({
      state: 'open',
      merged: false,
    });
  });
});
