import { GitForge } from '@gitops-pipelines/sandbox';
import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  Listener,
  startTrickler,
} from '../../../__testUtils__/hostileListeners';
import { GitRepositoryCache } from './GitRepositoryCache';
import { previewMarkerEdit } from './previewMarkerEdit';
import {
  MAX_YAML_FILE_BYTES,
  MAX_YAML_FILES,
  writePromotionBranch,
  yamlFiles,
} from './writePromotionBranch';

jest.setTimeout(60_000);

const MARKER = 'flux-system:app:prod';
const marked = (v: string) => `version: ${v} # {"$promotion": "${MARKER}"}\n`;

/** Issue 22 §6: the marker engine reads the clone only, and bounded amounts of it. */
describe('the marker engine', () => {
  let dir: string;
  let outside: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'markers-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-'));
    fs.writeFileSync(path.join(outside, 'secret.yaml'), marked('1.0.0'));
    fs.mkdirSync(path.join(outside, 'dir'));
    fs.writeFileSync(path.join(outside, 'dir', 'x.yaml'), marked('1.0.0'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('skips symbolic links to files and folders, inside or outside the clone', async () => {
    fs.mkdirSync(path.join(dir, 'apps'));
    fs.writeFileSync(path.join(dir, 'apps', 'app.yaml'), marked('1.0.0'));
    fs.symlinkSync(
      path.join(outside, 'secret.yaml'),
      path.join(dir, 'link.yaml'),
    );
    fs.symlinkSync(path.join(outside, 'dir'), path.join(dir, 'linked-dir'));
    fs.symlinkSync('apps/app.yaml', path.join(dir, 'relative.yaml'));
    fs.symlinkSync('/etc/passwd', path.join(dir, 'passwd.yml'));
    fs.symlinkSync('missing.yaml', path.join(dir, 'dangling.yaml'));
    expect(yamlFiles(dir)).toEqual({
      files: [path.join(dir, 'apps', 'app.yaml')],
      tooLarge: [],
    });
    const preview = previewMarkerEdit(dir, MARKER, '2.0.0');
    expect(preview).toMatchObject({ found: 1, changed: 1 });
    expect(preview.files.map(f => f.path)).toEqual(['apps/app.yaml']);
    // a write changes the clone's own file only
    const git = async () => '';
    await writePromotionBranch(
      { path: dir, git },
      {
        base: 'main',
        branch: 'b',
        marker: MARKER,
        version: '2.0.0',
        repoUrl: 'https://x/o/r',
      },
    );
    expect(fs.readFileSync(path.join(outside, 'secret.yaml'), 'utf8')).toBe(
      marked('1.0.0'),
    );
    expect(fs.readFileSync(path.join(outside, 'dir', 'x.yaml'), 'utf8')).toBe(
      marked('1.0.0'),
    );
    expect(fs.readFileSync(path.join(dir, 'apps', 'app.yaml'), 'utf8')).toBe(
      marked('2.0.0'),
    );
  });

  it(`does not read a file over ${MAX_YAML_FILE_BYTES} bytes, and says so when nothing else is marked`, async () => {
    const big = `${marked('1.0.0')}${'# padding\n'.repeat(
      MAX_YAML_FILE_BYTES / 10,
    )}`;
    fs.writeFileSync(path.join(dir, 'big.yaml'), big);
    expect(yamlFiles(dir)).toEqual({ files: [], tooLarge: ['big.yaml'] });
    await expect(
      writePromotionBranch(
        { path: dir, git: async () => '' },
        {
          base: 'main',
          branch: 'b',
          marker: MARKER,
          version: '2.0.0',
          repoUrl: 'https://x/o/r',
        },
      ),
    ).rejects.toMatchObject({
      retryable: false,
      message: `No field is marked # {"$promotion": "${MARKER}"} in https://x/o/r (main); 1 YAML file(s) over 1 MiB were not read (big.yaml)`,
    });
  });

  it(`refuses a repository with more than ${MAX_YAML_FILES} YAML files`, () => {
    for (let d = 0; d <= MAX_YAML_FILES / 1000; d++) {
      const sub = path.join(dir, `d${d}`);
      fs.mkdirSync(sub);
      for (let f = 0; f < 1000; f++)
        fs.writeFileSync(path.join(sub, `${f}.yaml`), 'a: 1\n');
    }
    expect(() => yamlFiles(dir)).toThrow(
      `The repository has more than ${MAX_YAML_FILES} YAML files: the marker engine reads at most that many`,
    );
  });
});

/** Issue 22 §3 and §6: what git itself may do with a remote. */
describe('GitRepositoryCache', () => {
  const user = { username: 'bot', password: 'pw', token: 'tok' };
  let forge: GitForge;
  let trickler: Listener;
  let cacheDir: string;

  beforeAll(async () => {
    forge = await GitForge.start({ users: [user] });
    await forge.createRepo('o', 'r', { 'a.yaml': 'a: 1\n' });
    trickler = await startTrickler();
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'git-boundary-'));
  });
  afterAll(async () => {
    await Promise.all([forge.stop(), trickler.stop()]);
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.rmSync(forge.dir, { recursive: true, force: true });
  });

  const checkout = (
    cache: GitRepositoryCache,
    remote: { url: string; http?: boolean },
  ) =>
    cache.withCheckout(remote, 'main', user, repo =>
      Promise.resolve(fs.readdirSync(repo.path).sort()),
    );

  it('checks out from a remote marked http, with the credentials', async () => {
    const cache = new GitRepositoryCache(cacheDir);
    expect(
      await checkout(cache, { url: `${forge.url}/o/r`, http: true }),
    ).toEqual(['.git', 'a.yaml']);
  });

  it.each([
    ['http, not configured so', (f: GitForge) => `${f.url}/o/r`, /'http'/],
    ['file://', (f: GitForge) => `file://${f.repoPath('o', 'r')}`, /'file'/],
    ['a local path', (f: GitForge) => f.repoPath('o', 'r'), /'file'/],
    ['ext::', () => 'ext::sh -c "touch /tmp/pwned-by-ext"', /'ext'/],
  ])('speaks no other protocol: %s', async (_what, url, message) => {
    const cache = new GitRepositoryCache(cacheDir);
    await expect(checkout(cache, { url: url(forge) })).rejects.toThrow(message);
    expect(fs.existsSync('/tmp/pwned-by-ext')).toBe(false);
  });

  it('ends a transfer that trickles forever after its overall timeout', async () => {
    const cache = new GitRepositoryCache(cacheDir, {
      stallTimeoutMs: 30_000,
      timeoutMs: 1500,
    });
    const started = Date.now();
    await expect(
      checkout(cache, { url: `${trickler.url}/o/r`, http: true }),
    ).rejects.toThrow('git fetch did not finish within 1.5 s');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
