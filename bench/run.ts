/* eslint-disable no-console */
/**
 * Read-side benchmark and its cost curve (bench/README.md): one sandbox (real kube-apiservers),
 * grown to each point of `BENCH_CURVE` pipelines × 3 environments × 2 targets over C target
 * clusters; at each point the Backstage backend is started fresh and measured, with the load
 * from a second process (autocannon). Writes bench/results/<time>.json, .md and .png.
 */
import { Sandbox } from '@gitops-pipelines/sandbox';
import fs from 'fs';
import os from 'os';
import path from 'path';

import { CurveResult, curveLines, writeCurveReport } from './chart';
import { measurePoint, PointFigures } from './point';
import {
  C,
  CONNECTIONS,
  CURVE,
  LOAD_SECONDS,
  log,
  populate,
  root,
} from './setup';

const ratio = (a: number, b: number) =>
  Number((a / Math.max(b, 0.01)).toFixed(1));
const perObject = (value: number, base: number | undefined, objects: number) =>
  base === undefined || objects === 0
    ? null
    : Math.round(((value - base) * 2 ** 20) / objects);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-bench-'));
  let sandbox: Sandbox | undefined;
  try {
    log(
      `sandbox: management + ${C} target clusters; curve ${CURVE.join(
        ', ',
      )} pipelines`,
    );
    let t = Date.now();
    sandbox = await Sandbox.start({
      dir: path.join(dir, 'sandbox'),
      targetClusters: [...Array(C).keys()].map(c => `t${c}`),
      seed: false,
      flux: false,
    });
    const sandboxStartMs = Date.now() - t;
    const points: Array<PointFigures & { populateMs: number }> = [];
    let have = 0;
    for (const [round, n] of CURVE.entries()) {
      if (n > have)
        log(
          `creating pipelines ${have}…${n - 1} (${
            (n - have) * 6
          } HelmReleases)`,
        );
      const populateMs =
        n > have || have === 0 ? await populate(sandbox, have, n) : 0;
      log(`populated in ${populateMs} ms`);
      have = Math.max(have, n);
      points.push({
        ...(await measurePoint(sandbox, dir, n, round)),
        populateMs,
      });
    }
    const zero = points.find(p => p.pipelines === 0);
    const result: CurveResult & { sandboxStartMs: number } = {
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
      },
      scale: { environments: 3, targetsPerEnvironment: 2, targetClusters: C },
      load: {
        connections: CONNECTIONS,
        seconds: LOAD_SECONDS,
        tool: 'autocannon (separate process)',
      },
      sandboxStartMs,
      points: points.map(p => ({
        ...p,
        bytesPerWatchedObject: {
          rss: perObject(p.rssMb.warm, zero?.rssMb.warm, p.watchedObjects),
          heap: perObject(p.heapUsedMb, zero?.heapUsedMb, p.watchedObjects),
        },
        ratioEntityViewToFloor: {
          p50: ratio(p.entityView.p50, p.floor.p50),
          p99: ratio(p.entityView.p99, p.floor.p99),
        },
        ratioKubernetesPluginToPipelines: {
          p50: ratio(p.kubernetesPlugin.p50, p.entityView.p50),
          p99: ratio(p.kubernetesPlugin.p99, p.entityView.p99),
        },
      })),
    };
    const out = path.join(
      root,
      'bench',
      'results',
      result.date.replace(/[:.]/g, '-'),
    );
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(`${out}.json`, `${JSON.stringify(result, null, 2)}\n`);
    await writeCurveReport(result, out);
    console.log(curveLines(result).join('\n'));
    console.log(`results: ${path.relative(root, out)}.{json,md,png}`);
    fs.rmSync(dir, { recursive: true, force: true });
  } catch (e) {
    log(`failed; the backend logs are kept in ${dir}`);
    throw e;
  } finally {
    await sandbox?.stop();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
