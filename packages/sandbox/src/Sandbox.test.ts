import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  makeInformer,
} from '@kubernetes/client-node';
import { execFile } from 'child_process';
import fs from 'fs';
import path from 'path';
import { promisify } from 'util';
// The validator's own corpus, so the API server is checked against the same cases.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import { corpus } from '@gitops-pipelines/plugin-pipelines-common/src/__fixtures__/corpus';
import { kubeConfigFor } from './kube';
import { Sandbox } from './Sandbox';
import { waitUntil } from './waitUntil';

jest.setTimeout(120_000);

const run = promisify(execFile);
const HR = {
  group: 'helm.toolkit.fluxcd.io',
  version: 'v2beta1',
  plural: 'helmreleases',
};

describe('Sandbox', () => {
  let sandbox: Sandbox;
  let kubeconfig: string;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ fluxDelayMs: 200 });
    kubeconfig = path.join(sandbox.dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, sandbox.kubeconfig());
  });
  afterAll(() => sandbox?.stop());

  const hrApi = (cluster: 'dev' | 'prod') =>
    sandbox.clusters[cluster].admin.makeApiClient(CustomObjectsApi);
  const getHr = (cluster: 'dev' | 'prod', namespace: string) =>
    hrApi(cluster).getNamespacedCustomObject({
      ...HR,
      namespace,
      name: 'podinfo',
    }) as Promise<any>;

  it('serves the seed pipeline to kubectl through the generated kubeconfig', async () => {
    const { stdout } = await run('kubectl', [
      '--kubeconfig',
      kubeconfig,
      '--context',
      'management',
      'get',
      'pipelines',
      '-A',
      '-o',
      'json',
    ]);
    const items = JSON.parse(stdout).items;
    expect(
      items.map((p: any) => `${p.metadata.namespace}/${p.metadata.name}`),
    ).toEqual(['flux-system/podinfo-02', 'flux-system/podinfo-gated']);
    expect(items[0].spec.environments.map((e: any) => e.name)).toEqual([
      'dev',
      'test',
      'prod',
    ]);
    expect(items[1].spec.environments[2].promotion.manual).toBe(true);
    const gc = await run('kubectl', [
      '--kubeconfig',
      kubeconfig,
      '--context',
      'management',
      'get',
      'gitopsclusters',
      '-n',
      'flux-system',
      '-o',
      'name',
    ]);
    expect(gc.stdout.trim().split('\n')).toEqual([
      'gitopscluster.gitops.weave.works/dev',
      'gitopscluster.gitops.weave.works/prod',
    ]);
  });

  it('reaches target clusters with the GitopsCluster kubeconfig, read-only', async () => {
    const m = sandbox.clusters.management;
    const kcMgmt = kubeConfigFor({
      name: 'management',
      server: m.url,
      caData: m.caData,
      token: sandbox.pipelinesToken,
    });
    const secret = await kcMgmt.makeApiClient(CoreV1Api).readNamespacedSecret({
      name: 'prod-kubeconfig',
      namespace: 'flux-system',
    });
    const file = path.join(sandbox.dir, 'prod-from-secret');
    fs.writeFileSync(file, Buffer.from(secret.data!.value, 'base64'));
    const { stdout } = await run('kubectl', [
      '--kubeconfig',
      file,
      'get',
      'helmreleases',
      '-A',
      '-o',
      'name',
    ]);
    expect(stdout.trim()).toBe('helmrelease.helm.toolkit.fluxcd.io/podinfo');
    await expect(
      run('kubectl', [
        '--kubeconfig',
        file,
        'delete',
        'helmrelease',
        '-n',
        'podinfo-02-prod',
        'podinfo',
        '--dry-run=server',
      ]),
    ).rejects.toThrow(/forbidden/);
  });

  it('reports the seed apps Ready at their versions, as Flux does', async () => {
    const versions = await waitUntil(async () => {
      const hrs = await Promise.all([
        getHr('dev', 'podinfo-02-dev'),
        getHr('dev', 'podinfo-02-qa'),
        getHr('dev', 'podinfo-02-perf'),
        getHr('prod', 'podinfo-02-prod'),
      ]);
      const ready = hrs.every(
        h => h.status?.conditions?.[0]?.status === 'True',
      );
      return ready ? hrs.map(h => h.status.lastAppliedRevision) : undefined;
    }, 'the seed apps Ready');
    expect(versions).toEqual(['6.1.0', '6.0.1', '6.0.1', '6.0.0']);
  });

  it('reconciles a new version, and fails when told to', async () => {
    const api = hrApi('dev');
    const hr = await getHr('dev', 'podinfo-02-qa');
    hr.spec.chart.spec.version = '6.1.0';
    await api.replaceNamespacedCustomObject({
      ...HR,
      namespace: 'podinfo-02-qa',
      name: 'podinfo',
      body: hr,
    });
    const applied = await waitUntil(async () => {
      const h = await getHr('dev', 'podinfo-02-qa');
      return h.status?.lastAppliedRevision === '6.1.0' &&
        h.status.conditions[0].status === 'True'
        ? h
        : undefined;
    }, 'the new version applied');
    expect(applied.status.observedGeneration).toBe(applied.metadata.generation);

    sandbox.flux.setFailure(
      'dev',
      'HelmRelease',
      'podinfo-02-perf',
      'podinfo',
      'install retries exhausted',
    );
    const perf = await getHr('dev', 'podinfo-02-perf');
    perf.spec.chart.spec.version = '6.2.0';
    await api.replaceNamespacedCustomObject({
      ...HR,
      namespace: 'podinfo-02-perf',
      name: 'podinfo',
      body: perf,
    });
    const failed = await waitUntil(async () => {
      const h = await getHr('dev', 'podinfo-02-perf');
      return h.status?.conditions?.[0]?.status === 'False' ? h : undefined;
    }, 'the failure');
    expect(failed.status.conditions[0]).toMatchObject({
      reason: 'UpgradeFailed',
      message: 'install retries exhausted',
    });
    expect(failed.status.lastAttemptedRevision).toBe('6.2.0');
    expect(failed.status.lastAppliedRevision).toBe('6.0.1');
    sandbox.flux.setFailure(
      'dev',
      'HelmRelease',
      'podinfo-02-perf',
      'podinfo',
      undefined,
    );
  });

  it('keeps a client-node informer working across an API server restart', async () => {
    const kc = sandbox.clusters.prod.admin;
    const api = kc.makeApiClient(CustomObjectsApi);
    const informer = makeInformer<any>(
      kc,
      '/apis/helm.toolkit.fluxcd.io/v2beta1/helmreleases',
      () => api.listClusterCustomObject(HR) as any,
    );
    let errors = 0;
    informer.on('error', () => {
      errors++;
      setTimeout(() => informer.start().catch(() => undefined), 500);
    });
    await informer.start();
    expect(informer.list().map(o => o.metadata.namespace)).toEqual([
      'podinfo-02-prod',
    ]);

    await sandbox.clusters.prod.stop();
    await waitUntil(() => errors > 0, 'the informer error');
    await sandbox.clusters.prod.start();

    const hr = await getHr('prod', 'podinfo-02-prod');
    hr.spec.chart.spec.version = '6.0.1';
    await api.replaceNamespacedCustomObject({
      ...HR,
      namespace: 'podinfo-02-prod',
      name: 'podinfo',
      body: hr,
    });
    const seen = await waitUntil(
      async () => {
        const cached = informer.get('podinfo', 'podinfo-02-prod');
        return cached?.status?.lastAppliedRevision === '6.0.1'
          ? cached
          : undefined;
      },
      'the update after the restart',
      30_000,
    );
    expect(seen.spec.chart.spec.version).toBe('6.0.1');
    await informer.stop();
  });

  it('validates Pipelines exactly as the common validator does (real API server, dry run)', async () => {
    const client = KubernetesObjectApi.makeApiClient(
      sandbox.clusters.management.admin,
    );
    const disagreements: string[] = [];
    for (const c of corpus) {
      if (typeof c.doc !== 'object' || c.doc === null) continue;
      const doc: any = structuredClone(c.doc);
      if (doc.metadata && typeof doc.metadata === 'object') {
        doc.metadata.namespace ??= 'flux-system';
        // podinfo-02 exists already; a dry-run create of it would fail as AlreadyExists.
        if (doc.metadata.name === 'podinfo-02')
          doc.metadata.name = 'corpus-check';
      }
      const result = await client.create(doc, undefined, 'All').then(
        () => ({ accepted: true, why: '' }),
        (e: any) => ({
          accepted: false,
          why: String(e?.body?.message ?? e?.message ?? e),
        }),
      );
      if (result.accepted !== (c.issues.length === 0)) {
        disagreements.push(
          `${c.name}: API server ${
            result.accepted ? 'accepted' : `rejected (${result.why})`
          }`,
        );
      }
    }
    expect(disagreements).toEqual([]);
  });
});
