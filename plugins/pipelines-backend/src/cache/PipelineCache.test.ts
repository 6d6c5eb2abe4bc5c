import { mockServices } from '@backstage/backend-test-utils';
import { CustomObjectsApi, CoreV1Api } from '@kubernetes/client-node';
import type { PipelineDetail } from '@gitops-pipelines/plugin-pipelines-common';
import {
  helmRelease,
  Sandbox,
  waitUntil as until,
} from '@gitops-pipelines/sandbox';
import { startSandboxPipelineCache } from '../__testUtils__/sandboxPipelineCache';
import { PipelineCache } from './PipelineCache';
import { StatusWriter } from './StatusWriter';

jest.setTimeout(120_000);

const HR = {
  group: 'helm.toolkit.fluxcd.io',
  version: 'v2beta1',
  plural: 'helmreleases',
};
const GC = {
  group: 'gitops.weave.works',
  version: 'v1alpha1',
  plural: 'gitopsclusters',
};
const key = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
};

const view = (d: PipelineDetail | undefined) =>
  d?.environments.map(e => ({
    env: e.name,
    targets: e.targets.map(
      t => `${t.cluster}/${t.namespace} ${t.health} ${t.version ?? '-'}`,
    ),
  }));

describe('PipelineCache against the sandbox', () => {
  let sandbox: Sandbox;
  let cache: PipelineCache;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ fluxDelayMs: 100 });
    cache = startSandboxPipelineCache(sandbox);
  });

  afterAll(async () => {
    await cache?.stop();
    await sandbox?.stop();
  });

  const pipeline = () => cache.getPipeline(key);
  const hrApi = (c: 'dev' | 'prod') =>
    sandbox.clusters[c].admin.makeApiClient(CustomObjectsApi);
  const mgmt = () => sandbox.clusters.management.admin;

  it('shows the seed pipeline with every target Ready at its version', async () => {
    await until(
      () =>
        pipeline()?.environments.every(e =>
          e.targets.every(t => t.health === 'ready'),
        ),
      'all targets ready',
    );
    expect(view(pipeline())).toEqual([
      { env: 'dev', targets: ['flux-system/dev/podinfo-02-dev ready 6.1.0'] },
      {
        env: 'test',
        targets: [
          'flux-system/dev/podinfo-02-qa ready 6.0.1',
          'flux-system/dev/podinfo-02-perf ready 6.0.1',
        ],
      },
      {
        env: 'prod',
        targets: ['flux-system/prod/podinfo-02-prod ready 6.0.0'],
      },
    ]);
    const d = pipeline()!;
    expect(d.environments[1].versions).toEqual([
      { version: '6.0.1', count: 2 },
    ]);
    expect(d.conditions).toMatchObject([
      { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded' },
    ]);
    expect(d.environments[0].promotion).toMatchObject({
      kind: 'pull-request',
      manual: false,
    });
    expect(cache.clusters()).toEqual([
      { name: 'management', connected: true, error: undefined },
    ]);
    expect(cache.listPipelines({}).map(p => p.name)).toEqual([
      'podinfo-02',
      'podinfo-gated',
    ]);
    // Watched objects are kept without server-side apply bookkeeping.
    expect(
      cache.getPipelineObject(key)?.object.metadata?.managedFields,
    ).toBeUndefined();
    expect(JSON.stringify(d)).not.toContain(sandbox.pipelinesToken);
    expect(JSON.stringify(d)).not.toContain(sandbox.targetReaderToken);
  });

  it('writes the Ready condition through the status subresource, only when it changed', async () => {
    const writer = new StatusWriter(cache, mockServices.logger.mock());
    expect(await writer.run()).toBe(2);
    const api = mgmt().makeApiClient(CustomObjectsApi);
    const stored: any = await until(async () => {
      const p: any = await api.getNamespacedCustomObject({
        group: 'pipelines.weave.works',
        version: 'v1alpha1',
        namespace: 'flux-system',
        plural: 'pipelines',
        name: 'podinfo-02',
      });
      return p.status?.conditions ? p : undefined;
    }, 'status written');
    expect(stored.status.observedGeneration).toBe(stored.metadata.generation);
    expect(stored.status.conditions).toMatchObject([
      { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded' },
    ]);
    // The cache sees its own write; nothing is left to write.
    await until(() => cache.statusUpdates().length === 0, 'status in sync');
    expect(await writer.run()).toBe(0);
  });

  it('follows a version change and tells subscribers', async () => {
    const changes: string[] = [];
    const unsubscribe = cache.subscribe(changed =>
      changes.push(...changed.map(c => c.name)),
    );
    const hr: any = await hrApi('prod').getNamespacedCustomObject({
      ...HR,
      namespace: 'podinfo-02-prod',
      name: 'podinfo',
    });
    hr.spec.chart.spec.version = '6.0.1';
    await hrApi('prod').replaceNamespacedCustomObject({
      ...HR,
      namespace: 'podinfo-02-prod',
      name: 'podinfo',
      body: hr,
    });
    await until(
      () =>
        pipeline()?.environments[2].targets[0].version === '6.0.1' &&
        pipeline()?.environments[2].targets[0].health === 'ready',
      'prod at 6.0.1',
    );
    unsubscribe();
    expect(changes).toContain('podinfo-02');
  });

  it('recomputes only the pipelines an app event affects', async () => {
    // Quiet first: the Flux stand-in may still be writing the status of the previous test's change.
    let before = { ...cache.stats };
    for (let i = 0; i < 20; i++) {
      await cache.settled();
      before = { ...cache.stats };
      await new Promise(r => setTimeout(r, 300));
      await cache.settled();
      if (cache.stats.pipelines === before.pipelines) break;
    }
    // A HelmRelease no pipeline references: its events recompute nothing.
    await hrApi('prod').createNamespacedCustomObject({
      ...HR,
      namespace: 'podinfo-02-prod',
      body: helmRelease('podinfo-02-prod', '1.0.0', 'unrelated'),
    });
    await until(
      async () =>
        (
          (await hrApi('prod').getNamespacedCustomObject({
            ...HR,
            namespace: 'podinfo-02-prod',
            name: 'unrelated',
          })) as any
        ).status?.conditions,
      'unrelated reconciled',
    );
    await new Promise(r => setTimeout(r, 200));
    await cache.settled();
    expect(cache.stats.pipelines).toBe(before.pipelines);
    // podinfo in prod feeds podinfo-02 and podinfo-gated: each of its events recomputes those two, and no full pass runs.
    const hr: any = await hrApi('prod').getNamespacedCustomObject({
      ...HR,
      namespace: 'podinfo-02-prod',
      name: 'podinfo',
    });
    hr.spec.chart.spec.version = '6.0.2';
    await hrApi('prod').replaceNamespacedCustomObject({
      ...HR,
      namespace: 'podinfo-02-prod',
      name: 'podinfo',
      body: hr,
    });
    await until(
      () =>
        pipeline()?.environments[2].targets[0].version === '6.0.2' &&
        pipeline()?.environments[2].targets[0].health === 'ready',
      'prod at 6.0.2',
    );
    await cache.settled();
    const partial = cache.stats.partial - before.partial;
    expect(cache.stats.full).toBe(before.full);
    expect(partial).toBeGreaterThan(0);
    expect(cache.stats.pipelines - before.pipelines).toBe(2 * partial);
    // Back to the state the next tests expect.
    await hrApi('prod').deleteNamespacedCustomObject({
      ...HR,
      namespace: 'podinfo-02-prod',
      name: 'unrelated',
    });
    const again: any = await hrApi('prod').getNamespacedCustomObject({
      ...HR,
      namespace: 'podinfo-02-prod',
      name: 'podinfo',
    });
    again.spec.chart.spec.version = '6.0.1';
    await hrApi('prod').replaceNamespacedCustomObject({
      ...HR,
      namespace: 'podinfo-02-prod',
      name: 'podinfo',
      body: again,
    });
    await until(
      () =>
        pipeline()?.environments[2].targets[0].version === '6.0.1' &&
        pipeline()?.environments[2].targets[0].health === 'ready',
      'prod back at 6.0.1',
    );
  });

  it('keeps unchanged pipelines and the list as they were, and tells no one', async () => {
    await cache.settled();
    const list = cache.listPipelines({});
    const gated = cache.getPipeline({
      cluster: 'management',
      namespace: 'flux-system',
      name: 'podinfo-gated',
    });
    const changes: string[] = [];
    const unsubscribe = cache.subscribe(changed =>
      changes.push(...changed.map(c => c.name)),
    );
    // A label on the prod HelmRelease: an app event for both pipelines, but no state change.
    const hr: any = await hrApi('prod').getNamespacedCustomObject({
      ...HR,
      namespace: 'podinfo-02-prod',
      name: 'podinfo',
    });
    const before = cache.stats.partial;
    hr.metadata.labels = { ...hr.metadata.labels, touched: String(Date.now()) };
    await hrApi('prod').replaceNamespacedCustomObject({
      ...HR,
      namespace: 'podinfo-02-prod',
      name: 'podinfo',
      body: hr,
    });
    await until(() => cache.stats.partial > before, 'recomputed');
    await cache.settled();
    unsubscribe();
    expect(changes).toEqual([]);
    expect(cache.listPipelines({})).toBe(list);
    expect(
      cache.getPipeline({
        cluster: 'management',
        namespace: 'flux-system',
        name: 'podinfo-gated',
      }),
    ).toBe(gated);
    expect(
      cache.listPipelines({ namespace: 'flux-system' }).map(p => p.name),
    ).toEqual(list.map(p => p.name));
  });

  it('reports a missing app', async () => {
    const hr: any = await hrApi('dev').getNamespacedCustomObject({
      ...HR,
      namespace: 'podinfo-02-perf',
      name: 'podinfo',
    });
    await hrApi('dev').deleteNamespacedCustomObject({
      ...HR,
      namespace: 'podinfo-02-perf',
      name: 'podinfo',
    });
    const t = await until(() => {
      const target = pipeline()?.environments[1].targets[1];
      return target?.health === 'app-missing' ? target : undefined;
    }, 'app missing');
    expect(t.message).toBe(
      'HelmRelease podinfo not found in namespace podinfo-02-perf',
    );
    delete hr.metadata.resourceVersion;
    await hrApi('dev').createNamespacedCustomObject({
      ...HR,
      namespace: 'podinfo-02-perf',
      body: hr,
    });
    await until(
      () => pipeline()?.environments[1].targets[1].health === 'ready',
      'perf back',
    );
  });

  it('marks a missing GitopsCluster TargetClusterNotFound', async () => {
    const api = mgmt().makeApiClient(CustomObjectsApi);
    const gc: any = await api.getNamespacedCustomObject({
      ...GC,
      namespace: 'flux-system',
      name: 'prod',
    });
    await api.deleteNamespacedCustomObject({
      ...GC,
      namespace: 'flux-system',
      name: 'prod',
    });
    const d = await until(
      () =>
        pipeline()?.conditions[0].reason === 'TargetClusterNotFound'
          ? pipeline()
          : undefined,
      'not found',
    );
    expect(d.environments[2].targets[0]).toMatchObject({
      health: 'cluster-not-found',
      message: 'GitopsCluster flux-system/prod not found',
    });
    expect(d.conditions[0].message).toBe(
      'Target cluster not found: prod: flux-system/prod/podinfo-02-prod (GitopsCluster flux-system/prod not found)',
    );
    delete gc.metadata.resourceVersion;
    await api.createNamespacedCustomObject({
      ...GC,
      namespace: 'flux-system',
      body: gc,
    });
    await sandbox.markGitopsClustersReady();
    await until(
      () => pipeline()?.conditions[0].reason === 'ReconciliationSucceeded',
      'recovered',
    );
  });

  it('marks targets of an unreachable cluster TargetClusterNotReady, without affecting others, and recovers', async () => {
    await sandbox.clusters.dev.stop();
    const d = await until(
      () =>
        pipeline()?.conditions[0].reason === 'TargetClusterNotReady'
          ? pipeline()
          : undefined,
      'dev not ready',
    );
    expect(d.environments[0].targets[0].health).toBe('cluster-not-ready');
    expect(d.environments[0].targets[0].message).toMatch(
      /^cluster unreachable: /,
    );
    expect(d.environments[2].targets[0].health).toBe('ready');
    await sandbox.clusters.dev.start();
    await until(
      () => pipeline()?.conditions[0].reason === 'ReconciliationSucceeded',
      'dev back',
      60_000,
    );
    expect(pipeline()!.environments[0].targets[0]).toMatchObject({
      health: 'ready',
      version: '6.1.0',
    });
  });

  it('re-resolves a target cluster when its kubeconfig Secret changes', async () => {
    const core = mgmt().makeApiClient(CoreV1Api);
    const secret = await core.readNamespacedSecret({
      name: 'prod-kubeconfig',
      namespace: 'flux-system',
    });
    const good = secret.data!.value;
    secret.data = {
      value: Buffer.from('not: [a kubeconfig').toString('base64'),
    };
    await core.replaceNamespacedSecret({
      name: 'prod-kubeconfig',
      namespace: 'flux-system',
      body: secret,
    });
    const t = await until(() => {
      const target = pipeline()?.environments[2].targets[0];
      return target?.health === 'cluster-not-ready' ? target : undefined;
    }, 'bad kubeconfig');
    expect(t.message).toBe(
      'the kubeconfig in Secret flux-system/prod-kubeconfig is not valid YAML (bad indent at line 1, column 19)',
    );

    // A GitopsCluster mapped to a cluster configured in Backstage does not need the Secret.
    const prod = sandbox.clusters.prod;
    const m = sandbox.clusters.management;
    const mapped = new PipelineCache({
      clusters: [
        {
          name: 'management',
          url: m.url,
          serviceAccountToken: sandbox.pipelinesToken,
          caData: m.caData,
          skipTLSVerify: false,
        },
      ],
      gitopsClusterMappings: new Map([
        [
          'flux-system/prod',
          {
            name: 'prod-from-config',
            url: prod.url,
            serviceAccountToken: sandbox.targetReaderToken,
            caData: prod.caData,
            skipTLSVerify: false,
          },
        ],
      ]),
      logger: mockServices.logger.mock(),
      debounceMs: 20,
    });
    mapped.start();
    try {
      const target = await until(() => {
        const x = mapped.getPipeline(key)?.environments[2].targets[0];
        return x?.health === 'ready' ? x : undefined;
      }, 'mapped prod ready');
      expect(target).toMatchObject({
        cluster: 'flux-system/prod',
        version: '6.0.1',
      });
    } finally {
      await mapped.stop();
    }
    const fresh = await core.readNamespacedSecret({
      name: 'prod-kubeconfig',
      namespace: 'flux-system',
    });
    fresh.data = { value: good };
    await core.replaceNamespacedSecret({
      name: 'prod-kubeconfig',
      namespace: 'flux-system',
      body: fresh,
    });
    await until(
      () => pipeline()?.environments[2].targets[0].health === 'ready',
      'good kubeconfig again',
    );
  });

  it.each([
    ['value.yaml', 'ready', undefined],
    ['kubeconfig', 'ready', undefined],
    [
      'config',
      'cluster-not-ready',
      'kubeconfig Secret flux-system/prod-kubeconfig has no key "value", "value.yaml", "kubeconfig" (it has "config")',
    ],
  ])(
    'reads the kubeconfig of a Secret with the key %s, or says which keys it looked for',
    async (secretKey, health, message) => {
      const core = mgmt().makeApiClient(CoreV1Api);
      const secret = await core.readNamespacedSecret({
        name: 'prod-kubeconfig',
        namespace: 'flux-system',
      });
      const good = secret.data!.value;
      const write = async (data: Record<string, string>) => {
        const current = await core.readNamespacedSecret({
          name: 'prod-kubeconfig',
          namespace: 'flux-system',
        });
        current.data = data;
        await core.replaceNamespacedSecret({
          name: 'prod-kubeconfig',
          namespace: 'flux-system',
          body: current,
        });
      };
      // First a broken Secret, so that what follows is a fresh resolution, not the earlier state.
      await write({
        value: Buffer.from('not: [a kubeconfig').toString('base64'),
      });
      await until(
        () =>
          pipeline()?.environments[2].targets[0].health === 'cluster-not-ready',
        'broken first',
      );
      await write({ [secretKey]: good });
      try {
        const target = await until(() => {
          const t = pipeline()?.environments[2].targets[0];
          return t?.health === health &&
            (health === 'ready' || t.message?.includes('has no key'))
            ? t
            : undefined;
        }, `prod through "${secretKey}"`);
        expect(health === 'ready' ? undefined : target.message).toBe(message);
      } finally {
        const fresh = await core.readNamespacedSecret({
          name: 'prod-kubeconfig',
          namespace: 'flux-system',
        });
        fresh.data = { value: good };
        await core.replaceNamespacedSecret({
          name: 'prod-kubeconfig',
          namespace: 'flux-system',
          body: fresh,
        });
        await until(
          () => pipeline()?.environments[2].targets[0].health === 'ready',
          'good kubeconfig again',
        );
      }
    },
  );

  it("shows a GitopsCluster's ClusterConnectivity failure on its targets", async () => {
    const api = mgmt().makeApiClient(CustomObjectsApi);
    const gvr = { ...GC, namespace: 'flux-system', name: 'prod' };
    const gc: any = await api.getNamespacedCustomObject(gvr);
    const conditions = gc.status?.conditions ?? [];
    gc.status = {
      ...gc.status,
      conditions: [
        ...conditions.filter((c: any) => c.type !== 'ClusterConnectivity'),
        {
          type: 'ClusterConnectivity',
          status: 'False',
          reason: 'ClusterConnectionFailed',
          message: 'dial tcp: i/o timeout',
          lastTransitionTime: new Date().toISOString(),
        },
      ],
    };
    await api.replaceNamespacedCustomObjectStatus({ ...gvr, body: gc });
    try {
      const t = await until(() => {
        const x = pipeline()?.environments[2].targets[0];
        return x?.health === 'cluster-not-ready' ? x : undefined;
      }, 'connectivity failure shown');
      expect(t.message).toBe(
        'GitopsCluster flux-system/prod cannot be reached: dial tcp: i/o timeout',
      );
    } finally {
      const fresh: any = await api.getNamespacedCustomObject(gvr);
      fresh.status = { ...fresh.status, conditions };
      await api.replaceNamespacedCustomObjectStatus({ ...gvr, body: fresh });
      await until(
        () => pipeline()?.environments[2].targets[0].health === 'ready',
        'connectivity back',
      );
    }
  });
});
