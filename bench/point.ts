/**
 * One point of the cost curve (bench/README.md): the Backstage backend started against the
 * sandbox as it is, measured warm, under load and for freshness, then stopped.
 */
import { Sandbox } from '@gitops-pipelines/sandbox';
import { ChildProcess, execFileSync, spawn } from 'child_process';
import fs from 'fs';
import path from 'path';

import type { CurveResult } from './chart';
import { freshness, json, loadMeasurer, Load, percentile } from './measure';
import { rssMb } from './processes';
import { base, log, pad, PORT, root, sleep, writeConfig } from './setup';

/** The figures of one point as measured (loads and freshness samples in full); memory in MB, times in ms. */
export type PointFigures = Omit<
  CurveResult['points'][number],
  | 'bytesPerWatchedObject'
  | 'ratioEntityViewToFloor'
  | 'ratioKubernetesPluginToPipelines'
  | 'entityView'
  | 'floor'
  | 'list'
  | 'kubernetesPlugin'
  | 'freshnessMs'
> & {
  entityView: Load;
  floor: Load;
  list: Load;
  kubernetesPlugin: Load;
  freshnessMs: {
    samples: number[];
    p50: number | null;
    p99: number | null;
    missed: number;
  };
};

/** The backend's process: the one listening on the port. */
function listenerPid(): number {
  const out = execFileSync('ss', ['-ltnpH', `sport = :${PORT}`], {
    encoding: 'utf8',
  });
  return Number(/pid=(\d+)/.exec(out)![1]);
}

function stopBackend(backend: ChildProcess | undefined) {
  if (!backend?.pid) return;
  try {
    process.kill(-backend.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

async function waitForPortFree() {
  for (let i = 0; i < 120; i++) {
    const out = execFileSync('ss', ['-ltnH', `sport = :${PORT}`], {
      encoding: 'utf8',
    });
    if (!out.trim()) return;
    await sleep(500);
  }
  throw new Error(`port ${PORT} still in use`);
}

/**
 * Starts the backend on `n` pipelines, waits for a warm cache (all listed; every target of a
 * sample of 25 pipelines Ready), measures, and stops it. `round` varies the freshness samples.
 * @throws when the backend does not answer within 5 minutes or the cache is not warm in 10.
 */
export async function measurePoint(
  sandbox: Sandbox,
  dir: string,
  n: number,
  round: number,
): Promise<PointFigures> {
  const configFile = writeConfig(sandbox, dir);
  // The floor serves the entity view's bytes, saved here once the cache is warm.
  const floorFile = path.join(dir, `entity-view-${n}.json`);
  const logFile = path.join(dir, `backend-${n}.log`);
  await waitForPortFree();
  log(`${n} pipelines: starting the Backstage backend (log ${logFile})`);
  const t = Date.now();
  const backend = spawn(
    path.join(root, 'scripts', 'bin', 'yarn'),
    [
      'workspace',
      'backend',
      'start',
      '--config',
      path.join(root, 'app-config.yaml'),
      '--config',
      configFile,
    ],
    {
      cwd: root,
      env: { ...process.env, PIPELINES_BENCH_FLOOR_FILE: floorFile },
      stdio: ['ignore', fs.openSync(logFile, 'a'), fs.openSync(logFile, 'a')],
      detached: true,
    },
  );
  try {
    let token = '';
    for (;;) {
      if (Date.now() - t > 300_000)
        throw new Error(`backend did not start; see ${logFile}`);
      try {
        token = (
          await json(`${base}/api/auth/guest/refresh?env=development`, {
            headers: { 'X-Requested-With': 'XMLHttpRequest' },
          })
        ).backstageIdentity.token;
        break;
      } catch {
        await sleep(100);
      }
    }
    const backendAnsweringMs = Date.now() - t;
    const auth = { headers: { Authorization: `Bearer ${token}` } };
    const sample = [...Array(Math.min(n, 25)).keys()].map(k =>
      Math.floor((k * n) / 25),
    );
    for (;;) {
      const list = await json(`${base}/api/pipelines/v1/pipelines`, auth).catch(
        () => ({ items: [] }),
      );
      if (
        list.items.length === n &&
        (n > 0 || list.clusters?.every((c: any) => c.connected))
      ) {
        const details = await Promise.all(
          sample.map(i =>
            json(
              `${base}/api/pipelines/v1/pipelines/management/flux-system/bench-${pad(
                i,
              )}`,
              auth,
              // Early answers can fail while other plugins (permission) start: ask again.
            ).catch(() => ({ environments: [{ targets: [{}] }] })),
          ),
        );
        if (
          details.every(d =>
            d.environments.every((e: any) =>
              e.targets.every((x: any) => x.health === 'ready'),
            ),
          )
        )
          break;
      }
      if (Date.now() - t > 600_000)
        throw new Error('cache did not warm up in 10 minutes');
      await sleep(100);
    }
    const cacheWarmMs = Date.now() - t;
    log(
      `${n} pipelines: answering after ${backendAnsweringMs} ms, cache warm after ${cacheWarmMs} ms`,
    );
    // The catalog must have the bench entity before the entity route can answer.
    for (;;) {
      const res = await fetch(
        `${base}/api/pipelines/v1/entity/component/default/bench-app/pipelines`,
        auth,
      );
      if (res.ok) {
        fs.writeFileSync(floorFile, Buffer.from(await res.arrayBuffer()));
        break;
      }
      await sleep(500);
    }
    const pid = listenerPid();
    await sleep(2000);
    const memory = await json(`${base}/api/benchfloor/memory`, auth);
    const rssWarm = rssMb(pid);
    const urls = {
      entityView: `${base}/api/pipelines/v1/entity/component/default/bench-app/pipelines`,
      floor: `${base}/api/benchfloor/entity`,
      list: `${base}/api/pipelines/v1/pipelines`,
    };
    const measure = await loadMeasurer(sandbox, token, Object.values(urls));
    const entityView = await measure(
      'GET /v1/entity/.../pipelines',
      urls.entityView,
    );
    const floor = await measure(
      'floor: same bytes, token check only',
      urls.floor,
    );
    const list = await measure(`GET /v1/pipelines (${n} items)`, urls.list);
    const rssLoaded = rssMb(pid);
    // Freshness before the Kubernetes plugin's load: its requests go on in the backend after
    // autocannon stops (listing every HelmRelease of 10 clusters) and would be measured too.
    const samples = n > 0 ? await freshness(sandbox, token, n, 20, round) : [];
    // The Kubernetes plugin answers in seconds at scale: 6 requests, 2 at a time, up to 120 s each.
    const kubernetesPlugin = await measure(
      'kubernetes plugin custom query (same entity)',
      `${base}/api/kubernetes/resources/custom/query`,
      {
        connections: 2,
        amount: 6,
        timeoutS: 120,
        extra: [
          '-m',
          'POST',
          '-H',
          'Content-Type=application/json',
          '-b',
          JSON.stringify({
            entityRef: 'component:default/bench-app',
            customResources: [
              {
                group: 'helm.toolkit.fluxcd.io',
                apiVersion: 'v2beta1',
                plural: 'helmreleases',
              },
            ],
          }),
        ],
      },
    );
    return {
      pipelines: n,
      watchedObjects: n * 7,
      backendAnsweringMs,
      cacheWarmMs,
      cacheWarmAfterAnsweringMs: cacheWarmMs - backendAnsweringMs,
      rssMb: { warm: rssWarm, afterLoad: rssLoaded },
      heapUsedMb: Math.round((memory.heapUsed / 2 ** 20) * 10) / 10,
      entityView,
      floor,
      list,
      kubernetesPlugin,
      freshnessMs: {
        samples,
        p50: percentile(samples, 50) ?? null,
        p99: percentile(samples, 99) ?? null,
        missed: samples.filter(Number.isNaN).length,
      },
    };
  } finally {
    stopBackend(backend);
  }
}
