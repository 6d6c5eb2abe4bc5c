import https from 'https';
import { ApiextensionsV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { Sandbox, helmRelease, apply } from '@gitops-pipelines/sandbox';

jest.setTimeout(300_000);

function rawWatch(url: string, token: string, path: string, rv: string, ms: number) {
  return new Promise<{ status: number; lines: string[]; ended: boolean; endedAfter?: number }>(resolve => {
    const lines: string[] = [];
    const t0 = Date.now();
    let ended = false;
    let endedAfter: number | undefined;
    let status = 0;
    const req = https.get(`${url}${path}?watch=true&resourceVersion=${rv}`, { headers: { Authorization: `Bearer ${token}` }, rejectUnauthorized: false }, res => {
      status = res.statusCode ?? 0;
      let buf = '';
      res.on('data', c => {
        buf += c;
        const parts = buf.split('\n');
        buf = parts.pop()!;
        lines.push(...parts.map(p => p.slice(0, 300)));
      });
      res.on('end', () => {
        ended = true;
        endedAfter = Date.now() - t0;
      });
    });
    req.on('error', e => lines.push(`error ${e.message}`));
    setTimeout(() => {
      req.destroy();
      resolve({ status, lines, ended, endedAfter });
    }, ms);
  });
}

it('explores 410', async () => {
  const sandbox = await Sandbox.start({ seed: false, flux: false, forge: false });
  try {
    const dev = sandbox.clusters.dev;
    await apply(dev.admin, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } } as any, helmRelease('x', '1.0.0')]);
    const api = dev.admin.makeApiClient(CustomObjectsApi);
    const list: any = await api.listClusterCustomObject({ group: 'helm.toolkit.fluxcd.io', version: 'v2beta1', plural: 'helmreleases' });
    const rv = list.metadata.resourceVersion;
    const path = '/apis/helm.toolkit.fluxcd.io/v2beta1/helmreleases';
    console.log('list rv', rv);
    // A watch running while the CRD is updated
    const during = rawWatch(dev.url, dev.adminToken, path, rv, 8000);
    await new Promise(r => setTimeout(r, 500));
    const ext = dev.admin.makeApiClient(ApiextensionsV1Api);
    const crd: any = await ext.readCustomResourceDefinition({ name: 'helmreleases.helm.toolkit.fluxcd.io' });
    const v = crd.spec.versions.find((x: any) => x.name === 'v2beta1');
    v.additionalPrinterColumns = [...(v.additionalPrinterColumns ?? []), { name: 'Chart', type: 'string', jsonPath: '.spec.chart.spec.version' }];
    const t0 = Date.now();
    await ext.replaceCustomResourceDefinition({ name: crd.metadata.name, body: crd });
    console.log('crd updated');
    const r1 = await during;
    console.log('during', JSON.stringify(r1), 'crd update at +500, done', Date.now() - t0);
    const after = await rawWatch(dev.url, dev.adminToken, path, rv, 2000);
    console.log('after crd update, old rv', JSON.stringify(after));

    // restart
    const list2: any = await api.listClusterCustomObject({ group: 'helm.toolkit.fluxcd.io', version: 'v2beta1', plural: 'helmreleases' });
    const rv2 = list2.metadata.resourceVersion;
    await dev.stop();
    await dev.start();
    const afterRestart = await rawWatch(dev.url, dev.adminToken, path, rv2, 2000);
    console.log('after restart, old rv', rv2, JSON.stringify(afterRestart));

    // etcd compaction
    const etcdUrl = (sandbox as any).etcd.url;
    const status = await (await fetch(`${etcdUrl}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: Buffer.from('/').toString('base64') }) })).json();
    console.log('etcd header', JSON.stringify(status.header));
    const comp = await fetch(`${etcdUrl}/v3/kv/compaction`, { method: 'POST', body: JSON.stringify({ revision: status.header.revision, physical: true }) });
    console.log('compaction', comp.status, await comp.text());
    const afterCompact = await rawWatch(dev.url, dev.adminToken, path, rv2, 2000);
    console.log('after compaction, old rv', JSON.stringify(afterCompact));
    const listOld = await fetch(`${etcdUrl}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: Buffer.from('/').toString('base64'), revision: rv2 }) });
    console.log('etcd range at old rev', listOld.status, (await listOld.text()).slice(0, 200));
  } finally {
    await sandbox.stop();
  }
});
