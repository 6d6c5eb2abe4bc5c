import { execFile } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import {
  answered,
  applyManagement,
  Attack,
  call,
  eventually,
  ledger,
  pipelinePath,
  SecurityContext,
} from '../context';
import { ENTITIES, pipeline, pullRequest } from '../fixtures';
import { leakedSecrets, withCredentials } from '../listeners';

/*
 * A forge the portal knows, turned hostile (a compromised forge, or repository content a
 * Pipeline author controls): redirects, URLs it supplies, symlinks in the repository, and
 * Markdown a user writes into what the portal posts on it.
 */

const REPO = 'sec-repo';
const exec = promisify(execFile);
const git = (cwd: string, ...args: string[]) =>
  exec(
    'git',
    ['-c', 'user.name=Mallory', '-c', 'user.email=m@evil.example', ...args],
    {
      cwd,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd },
    },
  );

const marked = (pipelineName: string, env: string, version = '1.1.0') =>
  `release:\n  version: ${version} # {"$promotion": "flux-system:${pipelineName}:${env}"}\n`;

/** Outside the repository: what a symlink in it points at (must never be read or written). */
export const outsideDir = (ctx: SecurityContext) =>
  path.join(ctx.dir, 'outside');

/** The hostile repository (symlinks pointing outside the clone) and the Pipelines using it. */
export async function applyForgeAttacks(ctx: SecurityContext) {
  const forge = ctx.sandbox.forge!;
  fs.mkdirSync(outsideDir(ctx), { recursive: true });
  fs.writeFileSync(
    path.join(outsideDir(ctx), 'outside.yaml'),
    marked('sec-symlink', 'test'),
  );
  await forge.createRepo('my-org', REPO, {
    'apps/forge.yaml': marked('sec-forge', 'test'),
    'apps/symlink.yaml': marked('sec-symlink', 'test'),
    ...Object.fromEntries(
      Object.keys(ctx.rewriters).map(k => [
        `apps/${k}.yaml`,
        marked(`sec-url-${k}`, 'test'),
      ]),
    ),
  });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sec-repo-'));
  try {
    await git(work, 'clone', '-q', forge.repoPath('my-org', REPO), '.');
    fs.symlinkSync(
      path.join(outsideDir(ctx), 'outside.yaml'),
      path.join(work, 'apps/link.yaml'),
    );
    fs.symlinkSync(outsideDir(ctx), path.join(work, 'apps/linkdir'));
    await git(work, 'add', '-A');
    await git(work, 'commit', '-q', '-m', 'Symlinks out of the repository');
    await git(work, 'push', '-q', 'origin', 'main');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const repoUrl = (origin: string) => `${origin}/my-org/${REPO}`;
  await applyManagement(ctx, [
    pipeline('sec-forge', {
      entity: ENTITIES.guestApp,
      strategy: pullRequest('github', repoUrl(forge.url)),
    }),
    pipeline('sec-symlink', {
      entity: ENTITIES.guestApp,
      strategy: pullRequest('github', repoUrl(forge.url)),
    }),
    pipeline('sec-known-redirect', {
      entity: ENTITIES.guestApp,
      strategy: pullRequest(
        'github',
        `${ctx.knownRedirector.url}/leak-known-redirect/${REPO}`,
      ),
    }),
    ...Object.entries(ctx.rewriters).map(([k, r]) =>
      pipeline(`sec-url-${k}`, {
        entity: ENTITIES.guestApp,
        strategy: pullRequest('github', repoUrl(r.url)),
      }),
    ),
  ]);
}

const knownRedirect: Attack = {
  id: 'forge-known-host-redirects',
  tried:
    'a known forge answers 302 to a listener (preview as outsider, an owner of its entity): credentials follow?',
  run: async ctx => {
    const a = await call(
      ctx,
      'POST',
      `${pipelinePath('sec-known-redirect')}/promotions/preview`,
      {
        as: 'outsider',
        json: { environment: 'test', version: '1.2.0' },
      },
    );
    const asked = ctx.knownRedirector.received('/leak-known-redirect/');
    const requests = ctx.recorder.received('/leak-known-redirect/');
    const forge = ctx.sandbox.forgeUser!;
    const leaked = leakedSecrets(requests, {
      password: forge.password,
      token: forge.token,
    });
    const credentialed = withCredentials(requests);
    if (!asked.length)
      return {
        refused: false,
        happened: `suite: the known forge was never called (${answered(a)})`,
      };
    return {
      refused: !leaked.length && !credentialed.length,
      happened: `${answered(a)}; the known forge got ${
        asked.length
      } request(s), its redirect's target ${requests.length}${
        credentialed.length
          ? `, ${credentialed.length} WITH credentials`
          : ', none with credentials'
      }`,
    };
  },
};

/** The rows of the forge-supplied URL attacks, one per hostile URL (see run.ts's rewriters). */
export const forgeUrlAttack = (key: string, hostileUrl: string): Attack => ({
  id: `forge-pr-url-${key}`,
  tried: `the forge answers a pull request's html_url ${JSON.stringify(
    hostileUrl,
  )}`,
  run: async ctx => {
    const name = `sec-url-${key}`;
    const a = await call(ctx, 'POST', `${pipelinePath(name)}/promotions`, {
      as: 'outsider',
      json: { environment: 'test', version: '1.2.0' },
    });
    if (a.status >= 300)
      return {
        refused: false,
        happened: `suite: the request answered ${answered(a)}`,
      };
    const row = await eventually(async () => {
      const r = (await ledger(ctx, name)).find(x => x.id === a.body.id);
      return r && r.state !== 'queued' && r.state !== 'running' && r;
    }, 20_000);
    const detail = await call(
      ctx,
      'GET',
      `/api/pipelines/v1/promotions/${a.body.id}`,
      { as: 'outsider' },
    );
    const stored = detail.text.includes(hostileUrl.slice(0, 16));
    return {
      refused: Boolean(row) && !stored,
      happened: `row ${
        row?.state ?? 'still running'
      }, pullRequestUrl ${JSON.stringify(row?.pullRequestUrl ?? null)}${
        stored ? '; the hostile URL is STORED' : ''
      }`,
    };
  },
});

const symlinkAttacks: Attack[] = [
  ['link.yaml', 'a file symlink to a marked file outside the repository'],
  ['linkdir', 'a directory symlink to a folder outside the repository'],
].map(
  ([file, what]): Attack => ({
    id: `repo-symlink-${file.replace('.yaml', '')}`,
    tried: `repository holds ${what} (preview as outsider, an owner of its entity)`,
    run: async ctx => {
      const before = fs.readFileSync(
        path.join(outsideDir(ctx), 'outside.yaml'),
        'utf8',
      );
      const a = await call(
        ctx,
        'POST',
        `${pipelinePath('sec-symlink')}/promotions/preview`,
        {
          as: 'outsider',
          json: { environment: 'test', version: '1.2.0' },
        },
      );
      const files: string[] = (a.body?.files ?? []).map((f: any) => f.path);
      const followed = files.some(f => f.startsWith(`apps/${file}`));
      const changed =
        fs.readFileSync(path.join(outsideDir(ctx), 'outside.yaml'), 'utf8') !==
        before;
      const inside = files.includes('apps/symlink.yaml');
      return {
        refused: a.status === 200 && inside && !followed && !changed,
        happened: `${answered(a)}; preview edits [${files.join(', ')}]${
          followed ? ' — FOLLOWED the link' : ''
        }${changed ? '; the outside file CHANGED' : ''}`,
      };
    },
  }),
);

const REASON =
  '@my-org/admins see [the fix](javascript:alert(document.cookie)) <img src=x onerror=alert(1)> #1';
const markdownAttack: Attack = {
  id: 'markdown-in-cancel-reason',
  tried:
    'cancel an open promotion PR with a reason full of @mentions, links, HTML and #refs',
  run: async ctx => {
    const forge = ctx.sandbox.forge!;
    const a = await call(
      ctx,
      'POST',
      `${pipelinePath('sec-forge')}/promotions`,
      {
        as: 'outsider',
        json: { environment: 'test', version: '1.2.0' },
      },
    );
    if (a.status >= 300)
      return {
        refused: false,
        happened: `suite: the request answered ${answered(a)}`,
      };
    const open = await eventually(async () => {
      const r = (await ledger(ctx, 'sec-forge')).find(x => x.id === a.body.id);
      return r?.state === 'awaiting-merge' && r;
    }, 20_000);
    if (!open)
      return {
        refused: false,
        happened: 'suite: no pull request opened within 20 s',
      };
    const c = await call(
      ctx,
      'POST',
      `/api/pipelines/v1/promotions/${a.body.id}/cancel`,
      {
        as: 'outsider',
        json: { reason: REASON },
      },
    );
    const pr = await eventually(async () => {
      const p = forge
        .listPulls('my-org', REPO)
        .find(x => x.state === 'closed' && x.comments.length);
      return p;
    }, 10_000);
    const text = [
      pr?.body ?? '',
      ...(pr?.comments ?? []).map(x => x.body),
    ].join('\n');
    const live = text.replace(/(`+)[\s\S]*?\1/g, '');
    const raw = ['@my-org/admins', '](javascript:', '<img', ' #1'].filter(t =>
      live.includes(t),
    );
    return {
      refused: Boolean(pr) && raw.length === 0,
      happened: `cancel ${answered(c)}; ${
        pr ? `PR #${pr.number} closed` : 'no closed PR with a comment'
      }${
        raw.length
          ? `, unescaped: ${raw.join(' ')}`
          : ', the reason is inert text'
      }`,
    };
  },
};

/** In order: the redirect, symlinks, Markdown; the URL rows come from run.ts. */
export const forgeAttacks: Attack[] = [
  knownRedirect,
  ...symlinkAttacks,
  markdownAttack,
];
