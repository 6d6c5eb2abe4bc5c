/**
 * The bench's measuring tools (bench/README.md): HTTP load with autocannon in a second process,
 * Kubernetes requests counted from the API servers' own metrics, status freshness through
 * `/v1/events`, and percentiles.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { Sandbox } from '@gitops-pipelines/sandbox';
import { execFileSync } from 'child_process';
import https from 'https';
import path from 'path';

import { listenEvents } from './sse';
import {
  base,
  clusterOf,
  CONNECTIONS,
  HR,
  LOAD_SECONDS,
  log,
  namespaceOf,
  pad,
  root,
  sleep,
} from './setup';

/** GET/POST `url` and parse its JSON. @throws on a non-2xx answer. */
export async function json(url: string, init?: RequestInit): Promise<any> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** The p-th percentile (0–100) of the numbers in `xs`, NaN ignored; undefined when empty. */
export const percentile = (xs: number[], p: number) => {
  const sorted = xs.filter(x => !Number.isNaN(x)).sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
};

/** Sum of apiserver_request_total over every sandbox API server (read from /metrics). */
async function apiRequests(sandbox: Sandbox): Promise<number> {
  let total = 0;
  for (const n of sandbox.names) {
    const c = sandbox.clusters[n];
    const text: string = await new Promise((resolve, reject) => {
      https
        .get(
          `${c.url}/metrics`,
          {
            headers: { Authorization: `Bearer ${c.adminToken}` },
            rejectUnauthorized: false,
          },
          res => {
            let body = '';
            res.on('data', d => (body += d));
            res.on('end', () => resolve(body));
          },
        )
        .on('error', reject);
    });
    for (const line of text.split('\n')) {
      // Non-resource requests (our own /metrics reads, health checks) are excluded.
      if (
        line.startsWith('apiserver_request_total{') &&
        !/[{,]resource=""/.test(line)
      )
        total += Number(line.split(' ').pop());
    }
  }
  return total;
}

/** How one load runs: connections (default `CONNECTIONS`), and either a duration (default `LOAD_SECONDS`) or an amount of requests; per-request timeout (default autocannon's 10 s). */
export interface LoadShape {
  extra?: string[];
  connections?: number;
  seconds?: number;
  amount?: number;
  timeoutS?: number;
}

/** One autocannon run in a second process, latencies in ms. */
function autocannon(url: string, token: string, shape: LoadShape = {}) {
  const bin = path.join(root, 'node_modules', '.bin', 'autocannon');
  const span = shape.amount
    ? ['-a', String(shape.amount)]
    : ['-d', String(shape.seconds ?? LOAD_SECONDS)];
  const timeout = shape.timeoutS ? ['-t', String(shape.timeoutS)] : [];
  const out = execFileSync(
    bin,
    [
      '--json',
      '-c',
      String(shape.connections ?? CONNECTIONS),
      ...span,
      ...timeout,
      '-H',
      `Authorization=Bearer ${token}`,
      ...(shape.extra ?? []),
      url,
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const r = JSON.parse(out);
  return {
    requests: r.requests.total as number,
    non2xx: r.non2xx as number,
    errors: r.errors as number,
    p50: r.latency.p50 as number,
    p99: r.latency.p99 as number,
    rps: r.requests.average as number,
  };
}

export type Load = ReturnType<typeof autocannon> & {
  kubernetesRequestsPerCall: number;
};

/**
 * A load measurer for one backend: each call runs autocannon on a URL and counts the
 * Kubernetes requests it caused, net of the API servers' idle traffic (measured first, over
 * `LOAD_SECONDS`). The `warmUp` URLs are loaded for 3 s each before, unmeasured.
 */
export async function loadMeasurer(
  sandbox: Sandbox,
  token: string,
  warmUp: string[],
) {
  // Unmeasured first: the first load on a fresh process pays for JIT compilation and the
  // start-up's garbage, which would count against whichever route is measured first.
  for (const url of warmUp) autocannon(url, token, { seconds: 3 });
  const idleBefore = await apiRequests(sandbox);
  await sleep(LOAD_SECONDS * 1000);
  const idle = (await apiRequests(sandbox)) - idleBefore;
  return async (
    name: string,
    url: string,
    shape: LoadShape = {},
  ): Promise<Load> => {
    const before = await apiRequests(sandbox);
    const r = autocannon(url, token, shape);
    const after = await apiRequests(sandbox);
    const perCall =
      Math.max(0, after - before - idle) / Math.max(1, r.requests);
    log(
      `${name}: ${r.requests} requests, p50 ${r.p50} ms, p99 ${
        r.p99
      } ms, ${perCall.toFixed(3)} Kubernetes requests per call`,
    );
    return { ...r, kubernetesRequestsPerCall: Number(perCall.toFixed(3)) };
  };
}

/**
 * Status freshness: `samples` HelmRelease status changes written to target clusters, each
 * timed until the matching `pipeline-changed` event arrives on `/v1/events` (ms; NaN when
 * none came within 10 s). Pipelines 0 … n-1 are sampled.
 */
export async function freshness(
  sandbox: Sandbox,
  token: string,
  n: number,
  samples: number,
  round: number,
) {
  const waiting = new Map<string, (t: number) => void>();
  const close = await listenEvents(base, token, (event, data) => {
    if (event === 'pipeline-changed') waiting.get(data.name)?.(Date.now());
  });
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    const i = (s * 37 + round) % n;
    const api =
      sandbox.clusters[clusterOf(i, 2, 0)].admin.makeApiClient(
        CustomObjectsApi,
      );
    const hr: any = await api.getNamespacedCustomObject({
      ...HR,
      namespace: namespaceOf(2, 0),
      name: `app-${pad(i)}`,
    });
    hr.status.lastAppliedRevision = `9.${round}.${s}`;
    const seen = new Promise<number>(resolve =>
      waiting.set(`bench-${pad(i)}`, resolve),
    );
    const t0 = Date.now();
    await api.replaceNamespacedCustomObjectStatus({
      ...HR,
      namespace: namespaceOf(2, 0),
      name: hr.metadata.name,
      body: hr,
    });
    const t1 = await Promise.race([seen, sleep(10_000).then(() => NaN)]);
    waiting.delete(`bench-${pad(i)}`);
    times.push(t1 - t0);
  }
  close();
  return times;
}
