import { CustomObjectsApi, KubernetesObject } from '@kubernetes/client-node';
import {
  apply,
  HELM_RELEASES,
  helmRelease,
  notificationPipeline,
} from '@gitops-pipelines/sandbox';
import { rssMb } from '../bench/processes';
import { Replica, sleep, until } from './replica';
import {
  CHAOS_HMAC_SECRET,
  signature,
  type ChaosContext,
  type Figures,
} from './scenarios';

const PIPELINES = 20;
const HR = HELM_RELEASES;
const name = (i: number) => `soak-${String(i).padStart(2, '0')}`;

/** A notification pipeline whose webhooks are signed (Secret {@link CHAOS_HMAC_SECRET}). */
function soakPipeline(i: number): KubernetesObject {
  const pipeline: any = notificationPipeline({
    name: name(i),
    appRef: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
      kind: 'HelmRelease',
      name: `app-${i}`,
    },
    environments: {
      dev: [{ cluster: 'dev', namespace: 'soak-dev' }],
      prod: [{ cluster: 'prod', namespace: 'soak-prod' }],
    },
  });
  pipeline.spec.promotion.strategy.secretRef = { name: CHAOS_HMAC_SECRET };
  return pipeline;
}

function devEvent(i: number, version: string) {
  return JSON.stringify({
    involvedObject: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      name: `app-${i}`,
      namespace: 'soak-dev',
    },
    severity: 'info',
    message: `Helm upgrade succeeded for release soak-dev/app-${i} with chart app@${version}`,
    reason: 'UpgradeSucceeded',
    metadata: { revision: version },
    reportingController: 'helm-controller',
  });
}

/**
 * Mixed load for `seconds` over 20 notification pipelines on both replicas: reads at 20 req/s,
 * a webhook every second (pipeline t mod 20, a new version each time), and every second the
 * prod HelmRelease of the previous second's promotion moved to its version (the deploy), so
 * each promotion can end. Passes when no request failed, every promotion ended (deployed or
 * superseded) and — for soaks of 5 minutes or more — RSS grew by at most 10 %.
 */
export async function soak(
  ctx: ChaosContext,
  seconds: number,
): Promise<Figures> {
  const { sandbox, a, b } = ctx;
  const replicas: Replica[] = [a, b];
  for (const r of replicas) if (!r.running) await r.start();
  await apply(sandbox.clusters.dev.admin, [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'soak-dev' },
    } as KubernetesObject,
  ]);
  await apply(sandbox.clusters.prod.admin, [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'soak-prod' },
    } as KubernetesObject,
  ]);
  for (let i = 0; i < PIPELINES; i++) {
    await apply(sandbox.clusters.dev.admin, [
      helmRelease('soak-dev', '1.0.0', `app-${i}`),
    ]);
    await apply(sandbox.clusters.prod.admin, [
      helmRelease('soak-prod', '1.0.0', `app-${i}`),
    ]);
    await apply(sandbox.clusters.management.admin, [soakPipeline(i)]);
  }
  const token = await a.guestToken();
  const auth = { headers: { Authorization: `Bearer ${token}` } };
  for (const r of replicas) {
    await until(
      `${r.name} lists the soak pipelines`,
      async () => {
        const list = await (
          await fetch(`${r.url}/api/pipelines/v1/pipelines`, auth)
        ).json();
        return (
          list.items.filter((p: any) => p.name.startsWith('soak-')).length ===
          PIPELINES
        );
      },
      60_000,
      250,
    );
  }
  await sleep(2000);
  const rssBefore = replicas.map(r => rssMb(r.pid));
  const prodApi = sandbox.clusters.prod.admin.makeApiClient(CustomObjectsApi);
  /** The deploy of a promotion: prod's HelmRelease of pipeline `i` moved to `version`. */
  const deploy = async ({ i, version }: { i: number; version: string }) => {
    const hr: any = await prodApi.getNamespacedCustomObject({
      ...HR,
      namespace: 'soak-prod',
      name: `app-${i}`,
    });
    hr.spec.chart.spec.version = version;
    await prodApi.replaceNamespacedCustomObject({
      ...HR,
      namespace: 'soak-prod',
      name: `app-${i}`,
      body: hr,
    });
  };
  let reads = 0;
  let readErrors = 0;
  let webhooks = 0;
  let webhookErrors = 0;
  const errors: string[] = [];
  const requested: Array<{ i: number; version: string }> = [];
  const readLoop = async (until_: number) => {
    for (let k = 0; Date.now() < until_; k++) {
      const started = Date.now();
      const r = replicas[k % 2];
      const res = await fetch(
        `${r.url}/api/pipelines/v1/pipelines/management/flux-system/${name(
          k % PIPELINES,
        )}`,
        auth,
      ).catch(() => undefined);
      reads++;
      if (!res?.ok) readErrors++;
      await sleep(Math.max(0, 100 - (Date.now() - started))); // two loops of 10 reads/s each: 20 reads/s
    }
  };
  const end = Date.now() + seconds * 1000;
  const loops = [readLoop(end), readLoop(end)];
  for (let t = 0; Date.now() < end; t++) {
    const tick = Date.now();
    const i = t % PIPELINES;
    const version = `1.${t + 1}.0`;
    const body = devEvent(i, version);
    const res = await fetch(
      `${replicas[t % 2].url}/api/pipelines/promotion/flux-system/${name(
        i,
      )}/dev`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Signature': signature(body),
        },
        body,
      },
    ).catch(e => ({ status: 0, text: async () => String(e) } as any));
    webhooks++;
    if (res.status !== 201 && res.status !== 200) {
      webhookErrors++;
      errors.push(
        `webhook ${name(i)} ${version}: ${res.status} ${await res.text()}`,
      );
    }
    requested.push({ i, version });
    const previous = requested[requested.length - 2];
    if (previous) await deploy(previous);
    await sleep(Math.max(0, 1000 - (Date.now() - tick)));
  }
  await Promise.all(loops);
  const last = requested[requested.length - 1];
  if (last) await deploy(last);
  const rssAfter = replicas.map(r => rssMb(r.pid));
  // Every promotion ends: deployed, or superseded by the next version of its pipeline.
  const open = await until(
    'every soak promotion ended',
    async () => {
      let active = 0;
      for (let i = 0; i < PIPELINES; i++) {
        const body = await (
          await fetch(
            `${a.url}/api/pipelines/v1/pipelines/management/flux-system/${name(
              i,
            )}/promotions?limit=100`,
            auth,
          )
        ).json();
        active += body.items.filter(
          (r: any) => !['deployed', 'superseded'].includes(r.state),
        ).length;
      }
      return active === 0 ? 'none' : false;
    },
    90_000,
    1000,
  );
  if (readErrors || webhookErrors)
    throw new Error(
      `${readErrors} read and ${webhookErrors} webhook errors: ${errors
        .slice(0, 3)
        .join('; ')}`,
    );
  const growth = rssAfter.map((x, k) => (x - rssBefore[k]) / rssBefore[k]);
  if (seconds >= 300 && growth.some(g => g > 0.1))
    throw new Error(`RSS grew more than 10 %: ${rssBefore} → ${rssAfter} MB`);
  return {
    seconds,
    reads,
    readsPerSecond: (reads / seconds).toFixed(1),
    webhooks,
    promotionsOpen: open === 'none' ? 0 : -1,
    rssMbBefore: rssBefore.join('/'),
    rssMbAfter: rssAfter.join('/'),
  };
}
