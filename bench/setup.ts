/**
 * The read benchmark's set-up (see bench/README.md): its scale and ports from the environment,
 * the Pipelines and HelmReleases it creates on the sandbox, and the backend config it writes.
 */
import { CustomObjectsApi, KubernetesObject } from '@kubernetes/client-node';
import {
  HELM_RELEASES,
  Sandbox,
  apply,
  helmRelease,
} from '@gitops-pipelines/sandbox';
import fs from 'fs';
import path from 'path';
import { stringify } from 'yaml';

/**
 * The points of the cost curve (pipelines), ascending: `BENCH_CURVE` (default
 * 0,500,1000,2000,5000), or the single point `BENCH_PIPELINES` when only that is set.
 */
export const CURVE = (
  process.env.BENCH_CURVE ??
  process.env.BENCH_PIPELINES ??
  '0,500,1000,2000,5000'
)
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
export const C = Number(process.env.BENCH_CLUSTERS ?? 10);
export const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
export const PORT = Number(process.env.BENCH_PORT ?? 7107);
export const ENVS = ['dev', 'test', 'prod'];
export const root = path.resolve(__dirname, '..');
export const base = `http://127.0.0.1:${PORT}`;
export const HR = HELM_RELEASES;

export const log = (msg: string) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
export const pad = (i: number) => String(i).padStart(4, '0');

/** Where target t of environment e of pipeline i runs: spread over the clusters. */
export const clusterOf = (i: number, e: number, t: number) =>
  `t${(i * 3 + e * 2 + t) % C}`;
export const namespaceOf = (e: number, t: number) => `bench-${ENVS[e]}-${t}`;

async function pool<T>(
  items: T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

function pipeline(i: number): KubernetesObject {
  return {
    apiVersion: 'pipelines.weave.works/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: `bench-${pad(i)}`, namespace: 'flux-system' },
    spec: {
      appRef: {
        apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
        kind: 'HelmRelease',
        name: `app-${pad(i)}`,
      },
      environments: ENVS.map((env, e) => ({
        name: env,
        targets: [0, 1].map(t => ({
          namespace: namespaceOf(e, t),
          clusterRef: {
            kind: 'GitopsCluster',
            name: clusterOf(i, e, t),
            namespace: 'flux-system',
          },
        })),
      })),
      promotion: { strategy: { notification: {} } },
    },
  } as KubernetesObject;
}

/**
 * Creates pipelines `from` … `to - 1` (and the target namespaces when `from` is 0) with their
 * six HelmReleases each, Ready at their version as Flux would report them. Returns the time
 * taken, ms. The creates run in parallel (the API servers, not the client, are the limit).
 */
/** A HelmRelease labelled for the Kubernetes plugin's entity lookup (`backstage.io/kubernetes-id`). */
function labelled(hr: KubernetesObject): KubernetesObject {
  const name = hr.metadata!.name!;
  return {
    ...hr,
    metadata: {
      ...hr.metadata,
      labels: { 'backstage.io/kubernetes-id': name },
    },
  };
}

export async function populate(sandbox: Sandbox, from: number, to: number) {
  const started = Date.now();
  if (from === 0) {
    for (let c = 0; c < C; c++) {
      await apply(
        sandbox.clusters[`t${c}`].admin,
        ENVS.flatMap((_, e) =>
          [0, 1].map(t => ({
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: namespaceOf(e, t) },
          })),
        ),
      );
    }
  }
  const mgmt =
    sandbox.clusters.management.admin.makeApiClient(CustomObjectsApi);
  const indexes = Array.from(
    { length: Math.max(0, to - from) },
    (_, k) => from + k,
  );
  await pool(indexes, 16, async i => {
    await mgmt.createNamespacedCustomObject({
      group: 'pipelines.weave.works',
      version: 'v1alpha1',
      namespace: 'flux-system',
      plural: 'pipelines',
      body: pipeline(i),
    });
  });
  const apps: Array<{ i: number; e: number; t: number }> = [];
  for (const i of indexes)
    for (let e = 0; e < 3; e++) for (const t of [0, 1]) apps.push({ i, e, t });
  const apis = Object.fromEntries(
    [...Array(C).keys()].map(c => [
      `t${c}`,
      sandbox.clusters[`t${c}`].admin.makeApiClient(CustomObjectsApi),
    ]),
  );
  await pool(apps, 48, async ({ i, e, t }) => {
    const api = apis[clusterOf(i, e, t)];
    const namespace = namespaceOf(e, t);
    const version = `1.${2 - e}.0`;
    const created: any = await api.createNamespacedCustomObject({
      ...HR,
      namespace,
      body: labelled(helmRelease(namespace, version, `app-${pad(i)}`)),
    });
    // What Flux would report once reconciled (written here rather than by the stand-in, to load faster).
    created.status = {
      observedGeneration: created.metadata.generation,
      lastAttemptedRevision: version,
      lastAppliedRevision: version,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'ReconciliationSucceeded',
          message: `Helm install succeeded with chart podinfo@${version}`,
          lastTransitionTime: new Date().toISOString(),
          observedGeneration: created.metadata.generation,
        },
      ],
    };
    await api.replaceNamespacedCustomObjectStatus({
      ...HR,
      namespace,
      name: created.metadata.name,
      body: created,
    });
  });
  return Date.now() - started;
}

export function writeConfig(sandbox: Sandbox, dir: string): string {
  const entities = path.join(dir, 'entities.yaml');
  fs.writeFileSync(
    entities,
    stringify({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'bench-app',
        annotations: {
          'pipelines.weave.works/pipeline': 'flux-system/bench-0000',
          'backstage.io/kubernetes-id': 'app-0000',
        },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'guests' },
    }),
  );
  const clusters = sandbox.names.map(n => ({
    name: n,
    url: sandbox.clusters[n].url,
    authProvider: 'serviceAccount',
    // The Kubernetes plugin's read-only account (no Secrets); the pipelines backend has its own.
    serviceAccountToken: sandbox.clusters[n].kubernetesPluginToken,
    caData: sandbox.clusters[n].caData,
  }));
  const config = {
    app: { baseUrl: 'http://127.0.0.1:3999' },
    backend: {
      baseUrl: base,
      listen: { port: PORT, host: '127.0.0.1' },
      database: { client: 'better-sqlite3', connection: ':memory:' },
    },
    catalog: { locations: [{ type: 'file', target: entities }] },
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [{ type: 'config', clusters }],
    },
    pipelines: {
      managementClusters: [clusters[0]].map(c => ({
        name: c.name,
        url: c.url,
        serviceAccountToken: sandbox.pipelinesToken,
        caData: c.caData,
      })),
      writeStatus: false,
      levelTriggers: false,
    },
  };
  const file = path.join(dir, 'app-config.bench.yaml');
  fs.writeFileSync(file, stringify(config), { mode: 0o600 });
  return file;
}
