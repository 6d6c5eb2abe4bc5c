import { CustomObjectsApi, Watch } from '@kubernetes/client-node';
import { until } from './replica';
import { ChaosContext, Figures, sleep } from './scenarios';

const PIPELINE = { group: 'pipelines.weave.works', version: 'v1alpha1', namespace: 'flux-system', plural: 'pipelines' };

/**
 * Level triggers and the status writer on both replicas. podinfo-gated's dev (6.1.0) is ahead
 * of its test (6.0.1); turning its level trigger on makes both replicas want the same
 * promotion ⇒ one row, one PR. Then three spec changes of the Pipeline ⇒ exactly three status
 * writes (`observedGeneration` follows), counted on a watch of the management cluster: the
 * global status-writer task writes each change once, whichever replica runs it.
 */
export async function levelTriggersOnBoth(ctx: ChaosContext): Promise<Figures> {
  const { sandbox, a } = ctx;
  for (const r of [ctx.a, ctx.b]) if (!r.running) await r.start();
  const token = await a.guestToken();
  const kc = sandbox.clusters.management.admin;
  const api = kc.makeApiClient(CustomObjectsApi);
  const statusWrites: string[] = [];
  let lastStatus = '';
  const watch = await new Watch(kc).watch(
    '/apis/pipelines.weave.works/v1alpha1/namespaces/flux-system/pipelines',
    { fieldSelector: 'metadata.name=podinfo-gated' },
    (type, obj: any) => {
      const status = JSON.stringify(obj.status ?? {});
      if (type === 'MODIFIED' && lastStatus && status !== lastStatus) statusWrites.push(status);
      lastStatus = status;
    },
    () => undefined,
  );
  try {
    const patch = async (mutate: (p: any) => void) => {
      const p: any = await api.getNamespacedCustomObject({ ...PIPELINE, name: 'podinfo-gated' });
      mutate(p);
      await api.replaceNamespacedCustomObject({ ...PIPELINE, name: 'podinfo-gated', body: p });
    };
    await patch(p => {
      p.metadata.annotations = { ...p.metadata.annotations, 'pipelines.weave.works/level-trigger': 'true' };
    });
    const url = `${a.url}/api/pipelines/v1/pipelines/management/flux-system/podinfo-gated/promotions?limit=100`;
    const rows = async () => ((await (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).json()).items as any[]).filter(r => r.version === '6.1.0' && r.toEnvironment === 'test');
    await until('a level-triggered promotion of podinfo-gated', async () => (await rows()).find(r => r.state === 'awaiting-merge'), 60_000, 250);
    await sleep(6_000); // both runners and both triggers have had a pass since
    const promotions = (await rows()).length;
    const forge = sandbox.forge!;
    const pulls = ((await (await fetch(`${forge.url}/api/v3/repos/my-org/my-app-repo/pulls?state=all&per_page=100`, { headers: { Authorization: `token ${sandbox.forgeUser!.token}` } })).json()) as any[]).filter(
      p => p.title === 'Promote flux-system/podinfo-gated in test to 6.1.0',
    ).length;
    if (promotions !== 1 || pulls !== 1) throw new Error(`level triggers on two replicas: ${promotions} rows, ${pulls} PRs for 6.1.0 (want 1 and 1)`);

    await until('status settled', async () => {
      const p: any = await api.getNamespacedCustomObject({ ...PIPELINE, name: 'podinfo-gated' });
      return p.status?.observedGeneration === p.metadata.generation;
    }, 30_000, 250);
    await sleep(1000);
    statusWrites.length = 0;
    for (const baseBranch of ['release', 'main', 'release']) {
      // A spec change (the base branch of prod's pull requests; nothing is promoted into prod
      // here) ⇒ a new generation ⇒ exactly one status write (observedGeneration).
      await patch(p => {
        p.spec.environments[2].promotion.strategy['pull-request'].baseBranch = baseBranch;
      });
      await sleep(12_000); // more than one status-writer round (10 s)
    }
    const writes = statusWrites.length;
    if (writes !== 3) throw new Error(`${writes} status writes for 3 spec changes (want 3)`);
    return { promotions, pullRequests: pulls, specChanges: 3, statusWrites: writes };
  } finally {
    watch.abort();
  }
}
