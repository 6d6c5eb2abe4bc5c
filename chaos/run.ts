/* eslint-disable no-console */
/**
 * `npm run chaos`: the fault suite of issue 13. Two backend processes of the demo app on one
 * PostgreSQL against the sandbox (real kube-apiservers, Flux stand-in, forge); every scenario
 * prints one row with its figures; the last line is `chaos: N scenarios, N passed`.
 * Needs `PG_URL` (scripts/chaos.sh starts a throwaway PostgreSQL). See chaos/README.md.
 */
import { Sandbox } from '@gitops-pipelines/sandbox';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Replica, writeReplicaConfig } from './replica';
import { ChaosContext, Figures, signChaosPipelines } from './scenarios';
import {
  crashAt,
  CRASH_POINTS,
  crossReplicaEvents,
  duplicates,
  killWhileClaimed,
} from './steps';
import { postgresRestarted } from './database';
import { soak } from './soak';
import { levelTriggersOnBoth } from './levelTriggers';

const pgUrl = process.env.PG_URL;
/** The soak's length: `CHAOS_SOAK_S`, default 600 (npm test runs a short one). */
const soakSeconds = Number(process.env.CHAOS_SOAK_S ?? 600);
const out = process.env.CHAOS_RESULTS;
const log = (line: string) =>
  console.error(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main() {
  if (!pgUrl)
    throw new Error('PG_URL is not set (run through scripts/chaos.sh)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-chaos-'));
  log(`working in ${dir}`);
  const sandbox = await Sandbox.start({
    dir: path.join(dir, 'sandbox'),
    fluxDelayMs: 200,
  });
  await signChaosPipelines(sandbox);
  const database = { url: pgUrl, prefix: `chaos${Date.now().toString(36)}_` };
  const replica = (name: string, port: number) =>
    new Replica(
      name,
      port,
      writeReplicaConfig(dir, name, port, sandbox, database),
      path.join(dir, `${name}.log`),
    );
  const ctx: ChaosContext = {
    sandbox,
    a: replica('a', 7301),
    b: replica('b', 7302),
    log,
  };
  const results: Array<{
    name: string;
    passed: boolean;
    ms: number;
    figures: Figures;
    error?: string;
  }> = [];
  try {
    // One replica first: Backstage's own plugins migrate their databases at start-up, and two
    // replicas starting together on an empty database race on those migrations (README).
    let t = Date.now();
    await ctx.a.start();
    log(`replica a ready in ${Date.now() - t} ms`);
    t = Date.now();
    await ctx.b.start();
    log(`replica b ready in ${Date.now() - t} ms`);
    const scenarios: Array<[string, () => Promise<Figures>]> = [
      ['100 duplicate webhooks over two replicas', () => duplicates(ctx)],
      [
        'a change on one replica reaches live clients of the other',
        () => crossReplicaEvents(ctx),
      ],
      [
        'level triggers and the status writer on both replicas',
        () => levelTriggersOnBoth(ctx),
      ],
      [
        'SIGKILL while holding a claim: the other replica finishes',
        () => killWhileClaimed(ctx),
      ],
      ['PostgreSQL restarted during a promotion', () => postgresRestarted(ctx)],
      [
        `soak: ${soakSeconds} s of mixed load on both replicas`,
        () => soak(ctx, soakSeconds),
      ],
      ...CRASH_POINTS.map(
        point =>
          [`kill -9 at ${point}, then restart`, () => crashAt(ctx, point)] as [
            string,
            () => Promise<Figures>,
          ],
      ),
    ];
    // CHAOS_ONLY: comma-separated substrings of scenario names, to run a subset.
    const only = process.env.CHAOS_ONLY?.split(',').filter(Boolean);
    for (const [name, run] of scenarios.filter(
      ([n]) => !only || only.some(o => n.includes(o)),
    )) {
      const started = Date.now();
      log(`scenario: ${name}`);
      try {
        const figures = await run();
        results.push({ name, passed: true, ms: Date.now() - started, figures });
      } catch (e) {
        log(`  FAILED: ${(e as Error).stack ?? e}`);
        results.push({
          name,
          passed: false,
          ms: Date.now() - started,
          figures: {},
          error: String((e as Error).message ?? e),
        });
        // Leave both replicas running for the next scenario.
        if (!ctx.a.running) await ctx.a.start().catch(() => undefined);
        if (!ctx.b.running) await ctx.b.start().catch(() => undefined);
      }
    }
  } finally {
    await ctx.a.stop();
    await ctx.b.stop();
    await sandbox.stop();
  }
  console.log('');
  for (const r of results) {
    const figures = Object.entries(r.figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    console.log(
      `${r.passed ? 'ok  ' : 'FAIL'} ${r.name.padEnd(62)} ${(r.ms / 1000)
        .toFixed(1)
        .padStart(6)} s  ${r.error ?? figures}`,
    );
  }
  const passed = results.filter(r => r.passed).length;
  if (out) fs.writeFileSync(out, JSON.stringify({ results }, null, 2));
  console.log(`chaos: ${results.length} scenarios, ${passed} passed`);
  if (passed !== results.length) {
    log(`replica logs kept in ${dir}`);
    process.exitCode = 1;
  } else {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(`[chaos] failed: ${e?.stack ?? e}`);
  console.log('chaos: 0 scenarios, 0 passed');
  process.exit(1);
});
