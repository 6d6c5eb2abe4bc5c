import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  KubernetesObject,
  Watch,
} from '@kubernetes/client-node';
import {
  apply,
  helmRelease,
  Sandbox,
  waitUntil as until,
} from '@gitops-pipelines/sandbox';
import type {
  PipelineDetail,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';
import request from 'supertest';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(150_000);

/**
 * Issue 13 §4, cluster faults, on the sandbox's real kube-apiservers and the whole plugin
 * (watch cache, level triggers, promotion runner, REST API):
 *
 * 1. a target API server (`dev`) down for {@link OUTAGE_MS}: its targets are
 *    cluster-not-ready with a readable message, the level trigger promotes nothing out of
 *    (or into) its environments, pipelines on `prod` keep working, and after it is back
 *    the targets recover without a restart and the level trigger does what the state calls for;
 * 2. the management API server restarted: the watches resume through a real 410 Gone and
 *    a relist, and changes made while it was down (a target's version, a Pipeline deleted
 *    behind its back in etcd) or right after it came back (a new Pipeline) are all seen;
 * 3. a real 410 Gone on a live watch, without any restart: updating the HelmRelease CRD
 *    (as a Flux upgrade does) makes the API server replace that resource's storage; the
 *    informer's re-watch from its last resourceVersion is answered 410, it relists and the
 *    cache shows the current state.
 *
 * Every watch the plugin opens goes through `Watch.prototype.watch`, which the test wraps
 * (calling through) to record which resourceVersion each watch started from and the
 * `ERROR` events it got: that is how the tests see the 410s the API servers answered.
 *
 * The outage is at least 12 s (about 17 s, the bystander's promotion runs during it), not the
 * issue's 60 s: nothing but the reconnect backoff depends on its length (1 s doubling to at
 * most 30 s), so after 60 s the targets come back up to 30 s after the server does, after
 * 12–17 s up to 16 s later.
 */
const OUTAGE_MS = 12_000;

const HR = {
  group: 'helm.toolkit.fluxcd.io',
  version: 'v2beta1',
  plural: 'helmreleases',
};
const PIPELINES = {
  group: 'pipelines.weave.works',
  version: 'v1alpha1',
  plural: 'pipelines',
};
const NAMESPACE = 'flux-system';
const API = '/api/pipelines/v1';

type Cluster = 'dev' | 'prod';

/** One call of `Watch.watch`: where, from which resourceVersion, and the ERROR codes it got. */
interface WatchCall {
  at: number;
  server: string;
  token?: string;
  path: string;
  resourceVersion: string;
  errorCodes: number[];
  /** When it last delivered an event. */
  lastEventAt?: number;
}

const notification = { strategy: { notification: {} } };

/** A Pipeline of the HelmRelease `podinfo`, one target per environment. */
function pipeline(
  name: string,
  environments: Array<{ name: string; cluster: Cluster; namespace: string }>,
  options: { levelTrigger: boolean; promotion?: object },
): KubernetesObject {
  return {
    apiVersion: 'pipelines.weave.works/v1alpha1',
    kind: 'Pipeline',
    metadata: {
      name,
      namespace: NAMESPACE,
      annotations: options.levelTrigger
        ? { 'pipelines.weave.works/level-trigger': 'true' }
        : {},
    },
    spec: {
      appRef: {
        apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
        kind: 'HelmRelease',
        name: 'podinfo',
      },
      environments: environments.map(e => ({
        name: e.name,
        targets: [
          {
            namespace: e.namespace,
            clusterRef: {
              kind: 'GitopsCluster',
              name: e.cluster,
              namespace: NAMESPACE,
            },
          },
        ],
      })),
      ...(options.promotion ? { promotion: options.promotion } : {}),
    },
  } as KubernetesObject;
}

const targetView = (d: PipelineDetail | undefined) =>
  d?.environments
    .map(
      e =>
        `${e.name}=${e.targets
          .map(t => `${t.health}@${t.version ?? '-'}`)
          .join(',')}`,
    )
    .join(' ');

describe('cluster faults on the sandbox', () => {
  let sandbox: Sandbox;
  let server: any;
  const watches: WatchCall[] = [];

  /** fault-out: dev (on dev) → prod (on prod); level trigger on, no strategy yet, dev ahead. */
  const OUT = 'fault-out';
  /** fault-bystander: stage → live, both on prod; level trigger on. */
  const BYSTANDER = 'fault-bystander';
  /** fault-into: canary (on prod) → main (on dev); main runs a newer version than canary. */
  const INTO = 'fault-into';
  /** fault-mgmt: a → b, both on dev; no level trigger (scenario 2). */
  const MGMT = 'fault-mgmt';
  /** fault-gone: deleted behind the API server's back while the management cluster is down. */
  const GONE = 'fault-gone';
  /** fault-new: created right after the management API server is back. */
  const NEW = 'fault-new';

  const setVersion = (cluster: Cluster, namespace: string, version: string) =>
    apply(sandbox.clusters[cluster].admin, [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
      helmRelease(namespace, version),
    ]);
  const pipelinesApi = () =>
    sandbox.clusters.management.admin.makeApiClient(CustomObjectsApi);
  const detail = async (name: string): Promise<PipelineDetail | undefined> => {
    const res = await request(server).get(
      `${API}/pipelines/management/${NAMESPACE}/${name}`,
    );
    return res.status === 200 ? res.body : undefined;
  };
  const ledger = async (name: string): Promise<PromotionRecord[]> =>
    (
      await request(server).get(
        `${API}/pipelines/management/${NAMESPACE}/${name}/promotions?limit=100`,
      )
    ).body.items;
  const summary = (rows: PromotionRecord[]) =>
    rows.map(
      r => `${r.trigger} ${r.version} ${r.fromEnvironment}→${r.toEnvironment}`,
    );
  /** Polls a pipeline's REST detail until `view` of it is `expected`. */
  const untilView = async (
    name: string,
    expected: string,
    timeoutMs = 20_000,
  ) => {
    let last: string | undefined;
    return until(
      async () => {
        const d = await detail(name);
        last = targetView(d);
        return last === expected ? d : undefined;
      },
      `${name}: ${expected}`,
      timeoutMs,
    ).catch(e => {
      throw new Error(`${e.message}; last seen: ${last}`);
    });
  };
  const untilPromotion = (
    name: string,
    match: (r: PromotionRecord) => boolean,
    what: string,
    timeoutMs = 20_000,
  ) =>
    until(
      async () => (await ledger(name)).find(match),
      `${name}: ${what}`,
      timeoutMs,
    );

  /** The plugin's watches of one resource on one cluster, in order (the plugin's tokens only). */
  const watchesOf = (cluster: 'management' | Cluster, path: string) =>
    watches.filter(
      w =>
        w.server === sandbox.clusters[cluster].url &&
        w.path === path &&
        (w.token === sandbox.pipelinesToken ||
          w.token === sandbox.targetReaderToken),
    );

  beforeAll(async () => {
    const original = Watch.prototype.watch;
    jest
      .spyOn(Watch.prototype, 'watch')
      .mockImplementation(function record(
        this: Watch,
        path,
        queryParams,
        callback,
        done,
      ) {
        const call: WatchCall = {
          at: Date.now(),
          server: this.config.getCurrentCluster()?.server ?? '',
          token: this.config.getCurrentUser()?.token,
          path,
          resourceVersion: String(queryParams?.resourceVersion ?? ''),
          errorCodes: [],
        };
        watches.push(call);
        return original.call(
          this,
          path,
          queryParams,
          (phase: string, apiObj: any, watchObj?: any) => {
            call.lastEventAt = Date.now();
            if (phase === 'ERROR') call.errorCodes.push(apiObj?.code);
            callback(phase, apiObj, watchObj);
          },
          done,
        );
      });

    sandbox = await Sandbox.start({ seed: false, fluxDelayMs: 100 });
    await setVersion('dev', 'fo-dev', '1.1.0');
    await setVersion('prod', 'fo-prod', '1.0.0');
    await setVersion('prod', 'fb-stage', '3.0.0');
    await setVersion('prod', 'fb-live', '3.0.0');
    await setVersion('prod', 'fi-canary', '2.0.0');
    await setVersion('dev', 'fi-main', '2.1.0');
    await setVersion('dev', 'fm-a', '5.0.0');
    await setVersion('dev', 'fm-b', '5.0.0');
    await apply(sandbox.clusters.management.admin, [
      pipeline(
        OUT,
        [
          { name: 'dev', cluster: 'dev', namespace: 'fo-dev' },
          { name: 'prod', cluster: 'prod', namespace: 'fo-prod' },
        ],
        { levelTrigger: true },
      ),
      pipeline(
        BYSTANDER,
        [
          { name: 'stage', cluster: 'prod', namespace: 'fb-stage' },
          { name: 'live', cluster: 'prod', namespace: 'fb-live' },
        ],
        { levelTrigger: true, promotion: notification },
      ),
      pipeline(
        MGMT,
        [
          { name: 'a', cluster: 'dev', namespace: 'fm-a' },
          { name: 'b', cluster: 'dev', namespace: 'fm-b' },
        ],
        { levelTrigger: false, promotion: notification },
      ),
      pipeline(
        GONE,
        [
          { name: 'a', cluster: 'prod', namespace: 'fb-stage' },
          { name: 'b', cluster: 'prod', namespace: 'fb-live' },
        ],
        { levelTrigger: false, promotion: notification },
      ),
    ]);
    server = await startSandboxBackend(sandbox, {
      pipelines: {
        notificationController: {
          url: sandbox.notificationControllers.management.url,
        },
      },
    });
    await untilView(OUT, 'dev=ready@1.1.0 prod=ready@1.0.0', 60_000);
    await untilView(BYSTANDER, 'stage=ready@3.0.0 live=ready@3.0.0');
    await untilView(MGMT, 'a=ready@5.0.0 b=ready@5.0.0');
    // Created once both target clusters are watched, so that its first state is complete.
    await apply(sandbox.clusters.management.admin, [
      pipeline(
        INTO,
        [
          { name: 'canary', cluster: 'prod', namespace: 'fi-canary' },
          { name: 'main', cluster: 'dev', namespace: 'fi-main' },
        ],
        { levelTrigger: true, promotion: notification },
      ),
    ]);
    await untilView(INTO, 'canary=ready@2.0.0 main=ready@2.1.0');
  });

  // A failed test leaves no cluster down for the next one (start() of a running one only waits for readyz).
  afterEach(async () => {
    await Promise.all(sandbox.names.map(n => sandbox.clusters[n].start()));
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await sandbox?.stop();
  });

  it('a target API server down: its targets are not ready, no promotion out of its environments, other clusters work, and it recovers', async () => {
    // Before: fault-out's dev is ahead of prod, but prod has no promotion strategy (nothing
    // is due); fault-into's main is ahead of canary (backwards: nothing is due either).
    expect(summary(await ledger(OUT))).toEqual([]);
    expect(summary(await ledger(INTO))).toEqual([]);

    const down = Date.now();
    await sandbox.clusters.dev.stop();
    // A readable message: what failed and why (no URL, credentials or stack). The first one
    // may be about the watch being cut, then the reconnects are refused.
    const messages = new Set<string>();
    const out = await until(async () => {
      const d = await detail(OUT);
      const target = d?.environments[0].targets[0];
      if (target?.health === 'cluster-not-ready')
        messages.add(String(target.message));
      return target?.message?.includes('ECONNREFUSED') ? d : undefined;
    }, 'fault-out dev refused');
    expect(targetView(out)).toBe('dev=cluster-not-ready@- prod=ready@1.0.0');
    const devTarget = out.environments[0].targets[0];
    expect(devTarget.message).toMatch(
      /^cluster unreachable: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
    );
    expect(
      [...messages].filter(
        m =>
          !/^cluster unreachable: (connect ECONNREFUSED 127\.0\.0\.1:\d+|the API server closed the connection)$/.test(
            m,
          ),
      ),
    ).toEqual([]);
    expect(out.conditions[0]).toMatchObject({
      type: 'Ready',
      status: 'False',
      reason: 'TargetClusterNotReady',
    });
    expect(out.conditions[0].message).toBe(
      `Target cluster not ready: dev: flux-system/dev/fo-dev (${devTarget.message})`,
    );

    // The level trigger looks again when the pipeline changes: prod now has a strategy, and
    // dev's last version (1.1.0) is ahead of prod — but dev's state is unknown.
    const api = pipelinesApi();
    const obj: any = await api.getNamespacedCustomObject({
      ...PIPELINES,
      namespace: NAMESPACE,
      name: OUT,
    });
    obj.spec.promotion = notification;
    await api.replaceNamespacedCustomObject({
      ...PIPELINES,
      namespace: NAMESPACE,
      name: OUT,
      body: obj,
    });
    await until(
      async () =>
        (await detail(OUT))?.environments[1].promotion.kind === 'notification',
      'fault-out has a strategy for prod',
    );

    // A pipeline on prod keeps working: its changes are seen, the level trigger promotes and
    // the promotion settles from the watch cache.
    await setVersion('prod', 'fb-stage', '3.1.0');
    await untilView(BYSTANDER, 'stage=ready@3.1.0 live=ready@3.0.0');
    const promoted = await untilPromotion(
      BYSTANDER,
      r => r.trigger === 'level' && r.version === '3.1.0',
      'level promotion of 3.1.0',
    );
    expect(promoted).toMatchObject({
      fromEnvironment: 'stage',
      toEnvironment: 'live',
      strategy: 'notification',
    });
    await setVersion('prod', 'fb-live', '3.1.0');
    await until(
      async () =>
        (await ledger(BYSTANDER)).find(r => r.id === promoted.id)?.state ===
        'deployed',
      '3.1.0 deployed into live',
    );

    // Nothing out of the unreachable environment.
    expect(summary(await ledger(OUT))).toEqual([]);
    expect((await detail(OUT))?.environments[0].targets[0].health).toBe(
      'cluster-not-ready',
    );

    // Keep it down for the whole outage, then bring it back: no restart of the plugin.
    await new Promise(r =>
      setTimeout(r, Math.max(0, down + OUTAGE_MS - Date.now())),
    );
    await sandbox.clusters.dev.start();
    const back = Date.now();
    const recovered = await untilView(
      OUT,
      'dev=ready@1.1.0 prod=ready@1.0.0',
      40_000,
    );
    process.stdout.write(
      `dev outage ${back - down} ms; targets ready again ${
        Date.now() - back
      } ms after the API server\n`,
    );
    expect(recovered.conditions[0]).toMatchObject({
      status: 'True',
      reason: 'ReconciliationSucceeded',
    });
    // It came back through a relist: the restarted API server answered the watch's old
    // resourceVersion with 410 Gone.
    expect(
      watchesOf(
        'dev',
        '/apis/helm.toolkit.fluxcd.io/v2beta1/helmreleases',
      ).some(w => w.at >= down && w.errorCodes.includes(410)),
    ).toBe(true);
    // Now the state calls for 1.1.0 into prod.
    await untilPromotion(
      OUT,
      r => r.trigger === 'level' && r.version === '1.1.0',
      'level promotion of 1.1.0 into prod',
    );
    expect(summary(await ledger(OUT))).toEqual(['level 1.1.0 dev→prod']);
  });

  // Found by this test: duePromotions read an environment whose targets are cluster-not-ready
  // (no version) as "not at the version", and isBackwards had no current version to compare
  // with, so 2.0.0 was promoted into main, backwards, while dev was down.
  it('promotes nothing into an environment whose cluster was unreachable', async () => {
    // fault-into's main (on dev) runs 2.1.0, newer than canary's 2.0.0: before and after the
    // outage the level trigger rightly skips 2.0.0 (backwards). While dev was down main's
    // version was unknown: that must not read as "not at 2.0.0".
    await untilView(INTO, 'canary=ready@2.0.0 main=ready@2.1.0');
    expect(summary(await ledger(INTO))).toEqual([]);
  });

  it('the management API server restarted: watches resume through 410 and a relist, and no change is missed', async () => {
    const pipelinesPath = '/apis/pipelines.weave.works/v1alpha1/pipelines';
    const names = async () =>
      (await request(server).get(`${API}/pipelines`)).body as {
        items: Array<{ name: string }>;
        clusters: Array<{ name: string; connected: boolean; error?: string }>;
      };
    const stoppedAt = Date.now();
    await sandbox.clusters.management.stop();
    const down = await until(async () => {
      const list = await names();
      return list.clusters[0].connected ? undefined : list;
    }, 'management disconnected');
    expect(down.clusters[0].error).toMatch(
      /^(connect ECONNREFUSED 127\.0\.0\.1:\d+|the API server closed the connection)$/,
    );
    // The last known pipelines are still served.
    expect(down.items.map(p => p.name)).toContain(GONE);

    // While it is down: a target cluster changes (its own watch is not affected) ...
    await setVersion('dev', 'fm-a', '5.1.0');
    await untilView(MGMT, 'a=ready@5.1.0 b=ready@5.0.0');
    expect((await names()).clusters[0].connected).toBe(false);
    // ... and a Pipeline is deleted through another API server of the same control plane:
    // here straight in etcd, which the management API server serves again when it is back.
    const etcd = (sandbox as unknown as { etcd: { url: string } }).etcd.url;
    const key = Buffer.from(
      `/management/pipelines.weave.works/pipelines/${NAMESPACE}/${GONE}`,
    ).toString('base64');
    const deleted = await fetch(`${etcd}/v3/kv/deleterange`, {
      method: 'POST',
      body: JSON.stringify({ key }),
    });
    expect((await deleted.json()).deleted).toBe('1');

    await sandbox.clusters.management.start();
    const back = Date.now();
    // Right after it is back (whether or not the cache has reconnected yet): a new Pipeline.
    await apply(sandbox.clusters.management.admin, [
      pipeline(
        NEW,
        [
          { name: 'a', cluster: 'prod', namespace: 'fb-stage' },
          { name: 'b', cluster: 'prod', namespace: 'fb-live' },
        ],
        { levelTrigger: false, promotion: notification },
      ),
    ]);
    const after = await until(
      async () => {
        const list = await names();
        const found = list.items.map(p => p.name);
        return list.clusters[0].connected &&
          found.includes(NEW) &&
          !found.includes(GONE)
          ? list
          : undefined;
      },
      'management reconnected, fault-new seen, fault-gone gone',
      45_000,
    );
    process.stdout.write(
      `management down ${back - stoppedAt} ms; watches resumed ${
        Date.now() - back
      } ms after the API server\n`,
    );
    expect(after.items.map(p => p.name).sort()).toEqual(
      [BYSTANDER, INTO, MGMT, NEW, OUT].sort(),
    );
    await untilView(NEW, 'a=ready@3.1.0 b=ready@3.1.0');
    await untilView(MGMT, 'a=ready@5.1.0 b=ready@5.0.0');
    expect(await detail(GONE)).toBeUndefined();

    // How it resumed: the Pipelines watch asked for its old resourceVersion, the restarted
    // API server answered 410 Gone, and the next watch started from a fresh list.
    const calls = watchesOf('management', pipelinesPath).filter(
      w => w.at >= stoppedAt,
    );
    const gone = calls.findIndex(w => w.errorCodes.includes(410));
    expect(gone).toBeGreaterThanOrEqual(0);
    expect(Number(calls[gone + 1]?.resourceVersion)).toBeGreaterThan(
      Number(calls[gone].resourceVersion),
    );
  });

  it('a live watch answered 410 Gone (the HelmRelease CRD updated, no restart): the cache relists and shows the current state', async () => {
    const hrPath = '/apis/helm.toolkit.fluxcd.io/v2beta1/helmreleases';
    // A change first, seen the usual way; then nothing writes HelmReleases on dev until the
    // 410 (the watch is quiet for a second), so the watch's resourceVersion is older than
    // anything the new storage starts from.
    await setVersion('dev', 'fm-a', '5.2.0');
    await untilView(MGMT, 'a=ready@5.2.0 b=ready@5.0.0');
    await until(() => {
      const last = Math.max(
        ...watchesOf('dev', hrPath).map(w => w.lastEventAt ?? w.at),
      );
      return Date.now() - last > 1000;
    }, 'no HelmRelease events on dev for a second');
    const start = Date.now();
    // What a Flux upgrade does: the CRD changes (here a printer column), the API server
    // replaces the resource's storage and its watch cache, and ends the watches on the old one.
    const ext = sandbox.clusters.dev.admin.makeApiClient(ApiextensionsV1Api);
    const crd = await ext.readCustomResourceDefinition({
      name: 'helmreleases.helm.toolkit.fluxcd.io',
    });
    for (const v of crd.spec.versions) {
      v.additionalPrinterColumns = [
        ...(v.additionalPrinterColumns ?? []),
        { name: 'Chart', type: 'string', jsonPath: '.spec.chart.spec.version' },
      ];
    }
    await ext.replaceCustomResourceDefinition({
      name: crd.metadata!.name!,
      body: crd,
    });

    const gone = await until(
      () =>
        watchesOf('dev', hrPath).find(
          w => w.at >= start && w.errorCodes.includes(410),
        ),
      'a 410 on the HelmRelease watch of dev',
    ).catch(e => {
      const seen = watchesOf('dev', hrPath).filter(w => w.at >= start - 10_000);
      throw new Error(
        `${e.message}; its watches: ${JSON.stringify(
          seen.map(w => ({ ...w, token: undefined, at: w.at - start })),
        )}`,
      );
    });
    // After the 410: a relist, and a watch from its (newer) resourceVersion that delivers changes.
    const next = await until(
      () =>
        watchesOf('dev', hrPath).find(
          w => w.at >= gone.at && w !== gone && w.resourceVersion !== '',
        ),
      'the watch after the relist',
    );
    expect(Number(next.resourceVersion)).toBeGreaterThan(
      Number(gone.resourceVersion),
    );
    await sandbox.clusters.dev.admin
      .makeApiClient(CustomObjectsApi)
      .deleteNamespacedCustomObject({
        ...HR,
        namespace: 'fm-b',
        name: 'podinfo',
      });
    await untilView(MGMT, 'a=ready@5.2.0 b=app-missing@-');
  });
});
