/* eslint-disable no-console */
/**
 * Read-side benchmark: a sandbox with N pipelines × 3 environments × 2 targets over C
 * target clusters (real kube-apiservers), the Backstage backend against it, and a load
 * from a second process (autocannon). See bench/README.md.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { Sandbox } from '@gitops-pipelines/sandbox';
import { ChildProcess, execFileSync, spawn } from 'child_process';
import fs from 'fs';
import https from 'https';
import os from 'os';
import path from 'path';

import { rssMb } from './processes';
import { listenEvents } from './sse';
import { base, C, clusterOf, CONNECTIONS, HR, LOAD_SECONDS, log, N, namespaceOf, pad, populate, PORT, root, sleep, writeConfig } from './setup';

async function json(url: string, init?: RequestInit): Promise<any> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** The backend's process: the one listening on the port. */
function listenerPid(): number {
  const out = execFileSync('ss', ['-ltnpH', `sport = :${PORT}`], { encoding: 'utf8' });
  return Number(/pid=(\d+)/.exec(out)![1]);
}

/** Sum of apiserver_request_total over every sandbox API server (read from /metrics). */
async function apiRequests(sandbox: Sandbox): Promise<number> {
  let total = 0;
  for (const n of sandbox.names) {
    const c = sandbox.clusters[n];
    const text: string = await new Promise((resolve, reject) => {
      https
        .get(`${c.url}/metrics`, { headers: { Authorization: `Bearer ${c.adminToken}` }, rejectUnauthorized: false }, res => {
          let body = '';
          res.on('data', d => (body += d));
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
    for (const line of text.split('\n')) {
      // Non-resource requests (our own /metrics reads, health checks) are excluded.
      if (line.startsWith('apiserver_request_total{') && !/[{,]resource=""/.test(line)) total += Number(line.split(' ').pop());
    }
  }
  return total;
}

async function autocannon(url: string, token: string, extra: string[] = []) {
  const bin = path.join(root, 'node_modules', '.bin', 'autocannon');
  const out = execFileSync(bin, ['--json', '-c', String(CONNECTIONS), '-d', String(LOAD_SECONDS), '-H', `Authorization=Bearer ${token}`, ...extra, url], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const r = JSON.parse(out);
  return { requests: r.requests.total as number, non2xx: r.non2xx as number, errors: r.errors as number, p50: r.latency.p50 as number, p99: r.latency.p99 as number, rps: r.requests.average as number };
}

async function freshness(sandbox: Sandbox, token: string, samples: number) {
  const waiting = new Map<string, (t: number) => void>();
  const close = await listenEvents(base, token, (event, data) => {
    if (event === 'pipeline-changed') waiting.get(data.name)?.(Date.now());
  });
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    const i = (s * 37) % N;
    const cluster = clusterOf(i, 2, 0);
    const api = sandbox.clusters[cluster].admin.makeApiClient(CustomObjectsApi);
    const hr: any = await api.getNamespacedCustomObject({ ...HR, namespace: namespaceOf(2, 0), name: `app-${pad(i)}` });
    hr.status.lastAppliedRevision = `9.${s}.0`;
    const seen = new Promise<number>(resolve => waiting.set(`bench-${pad(i)}`, resolve));
    const t0 = Date.now();
    await api.replaceNamespacedCustomObjectStatus({ ...HR, namespace: namespaceOf(2, 0), name: hr.metadata.name, body: hr });
    const t1 = await Promise.race([seen, sleep(10_000).then(() => NaN)]);
    waiting.delete(`bench-${pad(i)}`);
    times.push(t1 - t0);
  }
  close();
  return times;
}

const percentile = (xs: number[], p: number) => {
  const sorted = xs.filter(x => !Number.isNaN(x)).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-bench-'));
  let backend: ChildProcess | undefined;
  let sandbox: Sandbox | undefined;
  try {
    log(`sandbox: management + ${C} target clusters`);
    let t = Date.now();
    sandbox = await Sandbox.start({ dir: path.join(dir, 'sandbox'), targetClusters: [...Array(C).keys()].map(c => `t${c}`), seed: false, flux: false });
    const sandboxStartMs = Date.now() - t;
    log(`sandbox up in ${sandboxStartMs} ms; creating ${N} pipelines and ${N * 6} HelmReleases`);
    const populateMs = await populate(sandbox);
    log(`populated in ${populateMs} ms`);

    const configFile = writeConfig(sandbox, dir);
    log('starting the Backstage backend');
    t = Date.now();
    // The floor serves the entity view's bytes, saved here once the cache is warm.
    const floorFile = path.join(dir, 'entity-view.json');
    backend = spawn(path.join(root, 'scripts', 'bin', 'yarn'), ['workspace', 'backend', 'start', '--config', path.join(root, 'app-config.yaml'), '--config', configFile], {
      cwd: root,
      env: { ...process.env, PIPELINES_BENCH_FLOOR_FILE: floorFile },
      stdio: ['ignore', fs.openSync(path.join(dir, 'backend.log'), 'a'), fs.openSync(path.join(dir, 'backend.log'), 'a')],
      detached: true,
    });
    let token = '';
    for (;;) {
      if (Date.now() - t > 300_000) throw new Error(`backend did not start; see ${dir}/backend.log`);
      try {
        token = (await json(`${base}/api/auth/guest/refresh?env=development`, { headers: { 'X-Requested-With': 'XMLHttpRequest' } })).backstageIdentity.token;
        break;
      } catch {
        await sleep(250);
      }
    }
    const backendReadyMs = Date.now() - t;
    const auth = { headers: { Authorization: `Bearer ${token}` } };
    const sample = [...Array(Math.min(N, 25)).keys()].map(k => Math.floor((k * N) / 25));
    for (;;) {
      const list = await json(`${base}/api/pipelines/v1/pipelines`, auth);
      if (list.items.length === N) {
        const details = await Promise.all(sample.map(i => json(`${base}/api/pipelines/v1/pipelines/management/flux-system/bench-${pad(i)}`, auth)));
        if (details.every(d => d.environments.every((e: any) => e.targets.every((x: any) => x.health === 'ready')))) break;
      }
      if (Date.now() - t > 600_000) throw new Error('cache did not warm up in 10 minutes');
      await sleep(250);
    }
    const warmMs = Date.now() - t;
    log(`backend answering after ${backendReadyMs} ms, cache warm after ${warmMs} ms (from process start)`);
    // The catalog must have the bench entity before the entity route can answer.
    for (;;) {
      const res = await fetch(`${base}/api/pipelines/v1/entity/component/default/bench-app/pipelines`, auth);
      if (res.ok) {
        fs.writeFileSync(floorFile, Buffer.from(await res.arrayBuffer()));
        break;
      }
      await sleep(500);
    }
    const pid = listenerPid();
    await sleep(2000);
    const rssWarm = rssMb(pid);

    const idleBefore = await apiRequests(sandbox);
    await sleep(LOAD_SECONDS * 1000);
    const idle = (await apiRequests(sandbox)) - idleBefore;
    const measure = async (name: string, url: string, extra: string[] = []) => {
      const before = await apiRequests(sandbox!);
      const r = await autocannon(url, token, extra);
      const after = await apiRequests(sandbox!);
      // Net of the API servers' own background traffic (leases, controllers), measured idle.
      const perView = Math.max(0, after - before - idle) / Math.max(1, r.requests);
      log(`${name}: ${r.requests} requests, p50 ${r.p50} ms, p99 ${r.p99} ms, ${perView.toFixed(3)} Kubernetes requests per call`);
      return { ...r, kubernetesRequestsPerCall: Number(perView.toFixed(3)) };
    };
    const entity = await measure('GET /v1/entity/.../pipelines', `${base}/api/pipelines/v1/entity/component/default/bench-app/pipelines`);
    const floor = await measure('floor: same bytes, token check only', `${base}/api/benchfloor/entity`);
    const list = await measure(`GET /v1/pipelines (${N} items)`, `${base}/api/pipelines/v1/pipelines`);
    const kubernetesPlugin = await measure('kubernetes plugin custom query (same entity)', `${base}/api/kubernetes/resources/custom/query`, [
      '-m', 'POST', '-H', 'Content-Type=application/json',
      '-b', JSON.stringify({ entityRef: 'component:default/bench-app', customResources: [{ group: 'helm.toolkit.fluxcd.io', apiVersion: 'v2beta1', plural: 'helmreleases' }] }),
    ]);
    const rssLoaded = rssMb(pid);
    log('status freshness: HelmRelease status change → /v1/events');
    const fresh = await freshness(sandbox, token, 20);

    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      scale: { pipelines: N, environments: 3, targetsPerEnvironment: 2, targetClusters: C, helmReleases: N * 6 },
      load: { connections: CONNECTIONS, seconds: LOAD_SECONDS, tool: 'autocannon (separate process)' },
      sandboxStartMs,
      populateMs,
      backendAnsweringMs: backendReadyMs,
      cacheWarmMs: warmMs,
      backendRssMb: { warm: rssWarm, afterLoad: rssLoaded },
      idleKubernetesRequestsPer10s: idle,
      entityPipelines: entity,
      floor,
      latencyRatioEntityViewToFloor: { p50: Number((entity.p50 / Math.max(floor.p50, 0.01)).toFixed(1)), p99: Number((entity.p99 / Math.max(floor.p99, 0.01)).toFixed(1)) },
      listPipelines: list,
      kubernetesPluginCustomQuery: kubernetesPlugin,
      latencyRatioKubernetesPluginToPipelines: { p50: Number((kubernetesPlugin.p50 / Math.max(entity.p50, 0.01)).toFixed(1)), p99: Number((kubernetesPlugin.p99 / Math.max(entity.p99, 0.01)).toFixed(1)) },
      freshnessMs: { samples: fresh, p50: percentile(fresh, 50), p99: percentile(fresh, 99), missed: fresh.filter(Number.isNaN).length },
    };
    fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
    const out = path.join(root, 'bench', 'results', `${result.date.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

    const rows: Array<[string, string]> = [
      ['scale', `${N} pipelines × 3 envs × 2 targets, ${C} target clusters (${N * 6} HelmReleases)`],
      ['GET /v1/entity/…/pipelines', `p50 ${entity.p50} ms, p99 ${entity.p99} ms, ${entity.rps} req/s, ${entity.kubernetesRequestsPerCall} k8s req/call`],
      ['floor (same bytes, auth only)', `p50 ${floor.p50} ms, p99 ${floor.p99} ms, ${floor.rps} req/s`],
      ['ratio entity view / floor', `p50 ×${result.latencyRatioEntityViewToFloor.p50}, p99 ×${result.latencyRatioEntityViewToFloor.p99}`],
      [`GET /v1/pipelines`, `p50 ${list.p50} ms, p99 ${list.p99} ms, ${list.rps} req/s, ${list.kubernetesRequestsPerCall} k8s req/call`],
      ['kubernetes plugin custom query', `p50 ${kubernetesPlugin.p50} ms, p99 ${kubernetesPlugin.p99} ms, ${kubernetesPlugin.rps} req/s, ${kubernetesPlugin.kubernetesRequestsPerCall} k8s req/call`],
      ['ratio kubernetes plugin / pipelines', `p50 ×${result.latencyRatioKubernetesPluginToPipelines.p50}, p99 ×${result.latencyRatioKubernetesPluginToPipelines.p99}`],
      ['status freshness (→ /v1/events)', `p50 ${result.freshnessMs.p50} ms, p99 ${result.freshnessMs.p99} ms (${fresh.length} samples, ${result.freshnessMs.missed} missed)`],
      ['cache warm after backend start', `${warmMs} ms (answering after ${backendReadyMs} ms)`],
      ['backend RSS', `${rssWarm} MB warm, ${rssLoaded} MB after load`],
    ];
    const width = Math.max(...rows.map(r => r[0].length));
    console.log(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
    console.log(`results: ${path.relative(root, out)}`);
  } finally {
    if (backend?.pid) {
      try {
        process.kill(-backend.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await sandbox?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
