import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import http from 'http';
import { readJsonBody } from './readJsonBody';
import { REVISION_ANNOTATION } from './FluxStandIn';
import type { FluxEvent } from './NotificationControllerStandIn';

/** Where a demo pipeline's environment runs: the cluster and namespace of each target. */
export type DemoTargets = Record<
  string,
  Array<{ cluster: string; namespace: string }>
>;

/**
 * The demo's watchable receiver of a `generic` Flux Provider: what an external deployer (a CI
 * job, a chat bot) behind notification-controller would see. It logs every event it receives,
 * answers `GET /` with the last 100 (newest last), and — playing the deployer — applies a
 * `Promote` event of a Kustomization pipeline it knows by moving that environment's
 * Kustomizations to the event's revision, so the promotion really rolls out.
 */
export class DemoReceiver {
  private server?: http.Server;
  readonly received: Array<FluxEvent & { receivedAt: string }> = [];
  url = '';

  constructor(
    private readonly clusters: Record<string, KubeConfig>,
    /** Pipelines the deployer acts for (`<namespace>/<name>`), and their targets by environment. */
    private readonly deploys: Record<string, DemoTargets>,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  async start(port = 0) {
    this.server = http.createServer(async (req, res) => {
      if (req.method === 'GET') {
        res
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify(this.received, null, 2));
        return;
      }
      const event = await readJsonBody<FluxEvent>(req, res);
      if (!event) return;
      res.writeHead(200).end();
      this.received.push({ ...event, receivedAt: new Date().toISOString() });
      this.received.splice(0, Math.max(0, this.received.length - 100));
      const o = event.involvedObject;
      this.log(
        `[receiver] ${event.reason} ${o.kind} ${o.namespace}/${o.name}: ${
          event.message
        } ${JSON.stringify(event.metadata ?? {})}`,
      );
      this.deploy(event).catch(e =>
        this.log(
          `[receiver] deploy failed: ${e?.body?.message ?? e?.message ?? e}`,
        ),
      );
    });
    await new Promise<void>(resolve =>
      this.server!.listen(port, '127.0.0.1', resolve),
    );
    this.url = `http://127.0.0.1:${(this.server.address() as any).port}/`;
  }

  async stop() {
    await new Promise(resolve => this.server?.close(resolve));
  }

  /** Moves the Kustomizations of the event's environment to its version (notification-controller strips the metadata keys' API group). */
  private async deploy(event: FluxEvent) {
    const o = event.involvedObject;
    const targets =
      this.deploys[`${o.namespace}/${o.name}`]?.[
        event.metadata?.environment ?? ''
      ];
    const version = event.metadata?.version;
    if (event.reason !== 'Promote' || !targets || !version) return;
    for (const t of targets) {
      await setKustomizationRevision(
        this.clusters[t.cluster],
        t.namespace,
        version,
      );
      this.log(`[receiver] deployed ${version} to ${t.cluster}/${t.namespace}`);
    }
  }
}

/** Points the Kustomization `podinfo` of a namespace at a source revision (what source-controller would report). */
export async function setKustomizationRevision(
  kc: KubeConfig,
  namespace: string,
  revision: string,
) {
  const api = kc.makeApiClient(CustomObjectsApi);
  const ref = {
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'kustomizations',
    namespace,
    name: 'podinfo',
  };
  const obj: any = await api.getNamespacedCustomObject(ref);
  obj.metadata.annotations = {
    ...obj.metadata.annotations,
    [REVISION_ANNOTATION]: revision,
  };
  await api.replaceNamespacedCustomObject({ ...ref, body: obj });
}
