/* eslint-disable no-console */
/**
 * Pull-request promotion latency on a large repository: the pull-request strategy (clone
 * or fetch, edit the marked field, commit, push, open or update the PR through the GitHub
 * API) against the sandbox forge, with a fresh clone each time vs the cached clone.
 */
import { GitForge } from '@gitops-pipelines/sandbox';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { PullRequestStrategy } from '../plugins/pipelines-backend/src/promotion/strategies/pullRequest/PullRequestStrategy';
import { readForgesConfig } from '../plugins/pipelines-backend/src/config/forges';

const FILES = Number(process.env.BENCH_REPO_FILES ?? 5000);
const RUNS = Number(process.env.BENCH_PROMOTION_RUNS ?? 5);
const root = path.resolve(__dirname, '..');

async function main() {
  const user = {
    username: 'bench',
    password: 'bench-password',
    token: 'bench-token',
  };
  const forge = await GitForge.start({ users: [user] });
  const files: Record<string, string> = {};
  for (let i = 0; i < FILES; i++) {
    files[
      `apps/app-${String(i).padStart(5, '0')}/release.yaml`
    ] = `apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\nmetadata:\n  name: app-${i}\nspec:\n  chart:\n    spec:\n      chart: app\n      version: 1.0.0\n`;
  }
  files['apps/podinfo/release.yaml'] =
    'spec:\n  chart:\n    spec:\n      version: 1.0.0 # {"$promotion": "flux-system:bench:prod"}\n';
  let t = Date.now();
  const repoUrl = `${forge.url}/my-org/big-repo`;
  await forge.createRepo('my-org', 'big-repo', files);
  const seedMs = Date.now() - t;
  const secrets: Record<string, string> = {
    username: user.username,
    password: user.password,
    token: user.token,
  };
  const logger: any = {
    info() {},
    debug() {},
    warn: console.error,
    error: console.error,
    child: () => logger,
  };
  // The sandbox forge is http on 127.0.0.1: known only with its scheme.
  const forgeConfig = new ConfigReader({
    pipelines: { forges: { allowedHosts: [new URL(forge.url).origin] } },
  });
  const forges = readForgesConfig(
    forgeConfig,
    ScmIntegrations.fromConfig(forgeConfig),
  );
  const make = (cacheDir: string) =>
    new PullRequestStrategy({
      forges,
      secrets: (_c, _n, _s, key) => secrets[key],
      cacheDir,
      logger,
    });
  const ctx = (version: string) => ({
    record: {
      id: version,
      pipeline: { cluster: 'm', namespace: 'flux-system', name: 'bench' },
      toEnvironment: 'prod',
      fromEnvironment: 'test',
      version,
      requestedBy: 'bench',
      trigger: 'webhook',
    } as any,
    pipeline: { metadata: { name: 'bench', namespace: 'flux-system' } } as any,
    promotion: {
      strategy: {
        'pull-request': {
          type: 'github' as const,
          url: repoUrl,
          baseBranch: 'main',
          secretRef: { name: 's' },
        },
      },
    },
    kubeConfig: undefined as any,
  });
  const time = async (fn: () => Promise<unknown>) => {
    const s = Date.now();
    await fn();
    return Date.now() - s;
  };
  const fresh: number[] = [];
  const cached: number[] = [];
  const cachedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cached-'));
  const warm = make(cachedDir);
  await warm.execute(ctx('1.0.1'));
  for (let r = 0; r < RUNS; r++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-fresh-'));
    fresh.push(await time(() => make(dir).execute(ctx(`2.${r}.0`))));
    fs.rmSync(dir, { recursive: true, force: true });
    cached.push(await time(() => warm.execute(ctx(`3.${r}.0`))));
  }
  const median = (xs: number[]) =>
    xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const result = {
    date: new Date().toISOString(),
    repository: { files: FILES + 1, seedMs },
    runs: RUNS,
    webhookToPullRequestMs: {
      freshClone: { median: median(fresh), samples: fresh },
      cachedClone: { median: median(cached), samples: cached },
    },
    pullRequests: forge.listPulls('my-org', 'big-repo').length,
  };
  await forge.stop();
  fs.rmSync(forge.dir, { recursive: true, force: true });
  fs.rmSync(cachedDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  const out = path.join(
    root,
    'bench',
    'results',
    `promotion-${result.date.replace(/[:.]/g, '-')}.json`,
  );
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `pull-request promotion, ${FILES + 1} files  fresh clone: median ${median(
      fresh,
    )} ms; cached clone: median ${median(cached)} ms (${RUNS} runs each, ${
      result.pullRequests
    } PR updated in place)`,
  );
  console.log(`results: ${path.relative(root, out)}`);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
