import {
  CustomObjectsApi,
  KubernetesObject,
  Watch,
} from '@kubernetes/client-node';
import {
  apply,
  helmRelease,
  notificationPipeline,
} from '@gitops-pipelines/sandbox';
import { until } from './replica';
import { ChaosContext, Figures, sleep } from './scenarios';

const PIPELINE = {
  group: 'pipelines.weave.works',
  version: 'v1alpha1',
  namespace: 'flux-system',
  plural: 'pipelines',
};

const NAME = 'chaos-level';

/** A pipeline of its own (notification strategy), dev at 2.0.0 ahead of test at 1.0.0, level trigger off. */
function levelPipeline(): KubernetesObject {
  return notificationPipeline({
    name: NAME,
    appRef: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
      kind: 'HelmRelease',
      name: 'level-app',
    },
    environments: {
      dev: [{ cluster: 'dev', namespace: 'level-dev' }],
      test: [{ cluster: 'dev', namespace: 'level-test' }],
    },
    annotations: { 'pipelines.weave.works/level-trigger': 'false' },
  });
}

/**
 * Level triggers and the status writer on both replicas. chaos-level's dev (2.0.0) is ahead of
 * its test (1.0.0); turning its level trigger on (the annotation, nothing else) makes both
 * replicas want the same promotion ⇒ one row. Then three spec changes of the Pipeline ⇒
 * exactly three status writes (`observedGeneration` follows), counted on a watch of the
 * management cluster: the global status-writer task writes each change once, whichever
 * replica runs it.
 */
export async function levelTriggersOnBoth(ctx: ChaosContext): Promise<Figures> {
  const { sandbox, a } = ctx;
  for (const r of [ctx.a, ctx.b]) if (!r.running) await r.start();
  const token = await a.guestToken();
  const kc = sandbox.clusters.management.admin;
  const api = kc.makeApiClient(CustomObjectsApi);
  const dev = sandbox.clusters.dev.admin;
  for (const [ns, version] of [
    ['level-dev', '2.0.0'],
    ['level-test', '1.0.0'],
  ]) {
    await apply(dev, [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns },
      } as KubernetesObject,
      helmRelease(ns, version, 'level-app'),
    ]);
  }
  await apply(kc, [levelPipeline()]);
  const statusWrites: string[] = [];
  let lastStatus = '';
  const watch = await new Watch(kc).watch(
    '/apis/pipelines.weave.works/v1alpha1/namespaces/flux-system/pipelines',
    { fieldSelector: `metadata.name=${NAME}` },
    (type, obj: any) => {
      const status = JSON.stringify(obj.status ?? {});
      if (type === 'MODIFIED' && lastStatus && status !== lastStatus)
        statusWrites.push(status);
      lastStatus = status;
    },
    () => undefined,
  );
  try {
    const patch = async (mutate: (p: any) => void) => {
      const p: any = await api.getNamespacedCustomObject({
        ...PIPELINE,
        name: NAME,
      });
      mutate(p);
      await api.replaceNamespacedCustomObject({
        ...PIPELINE,
        name: NAME,
        body: p,
      });
    };
    await patch(p => {
      p.metadata.annotations = {
        ...p.metadata.annotations,
        'pipelines.weave.works/level-trigger': 'true',
      };
    });
    const url = `${a.url}/api/pipelines/v1/pipelines/management/flux-system/${NAME}/promotions?limit=100`;
    const rows = async () =>
      (
        (
          await (
            await fetch(url, { headers: { Authorization: `Bearer ${token}` } })
          ).json()
        ).items as any[]
      ).filter(r => r.version === '2.0.0' && r.toEnvironment === 'test');
    await until(
      'a level-triggered promotion of chaos-level',
      async () => (await rows()).find(r => r.state === 'rolling-out'),
      60_000,
      250,
    );
    await sleep(6_000); // both runners and both triggers have had a pass since
    const promotions = (await rows()).length;
    if (promotions !== 1)
      throw new Error(
        `level triggers on two replicas: ${promotions} rows for 2.0.0 (want 1)`,
      );

    await until(
      'status settled',
      async () => {
        const p: any = await api.getNamespacedCustomObject({
          ...PIPELINE,
          name: NAME,
        });
        return p.status?.observedGeneration === p.metadata.generation;
      },
      30_000,
      250,
    );
    await sleep(1000);
    statusWrites.length = 0;
    for (const manual of [true, false, true]) {
      // A spec change (whether test's promotions wait for approval; the one promotion is already
      // on its way) ⇒ a new generation ⇒ exactly one status write (observedGeneration).
      await patch(p => {
        p.spec.environments[1].promotion = {
          manual,
          strategy: { notification: {} },
        };
      });
      await sleep(12_000); // more than one status-writer round (10 s)
    }
    const writes = statusWrites.length;
    if (writes !== 3)
      throw new Error(`${writes} status writes for 3 spec changes (want 3)`);
    return { promotions, specChanges: 3, statusWrites: writes };
  } finally {
    watch.abort();
  }
}
