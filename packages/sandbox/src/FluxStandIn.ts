import {
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  makeInformer,
  Informer,
} from '@kubernetes/client-node';

type AppObject = KubernetesObject & {
  spec?: { chart?: { spec?: { version?: string } } };
  status?: {
    observedGeneration?: number;
    lastAttemptedRevision?: string;
    lastAppliedRevision?: string;
    conditions?: Array<Record<string, unknown>>;
  };
};

interface AppKind {
  group: string;
  version: string;
  plural: string;
  kind: 'HelmRelease' | 'Kustomization';
}

const APP_KINDS: AppKind[] = [
  {
    group: 'helm.toolkit.fluxcd.io',
    version: 'v2beta1',
    plural: 'helmreleases',
    kind: 'HelmRelease',
  },
  {
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'kustomizations',
    kind: 'Kustomization',
  },
];

/**
 * The annotation a Kustomization's source revision is read from: the sandbox has no
 * source-controller, so whoever moves the source (the demo) writes it here.
 */
export const REVISION_ANNOTATION = 'sandbox.gitops-pipelines/revision';

/** The revision Flux would apply: the chart version, or for Kustomizations a revision annotation. */
export function desiredRevision(kind: AppKind['kind'], obj: AppObject): string {
  if (kind === 'HelmRelease') return obj.spec?.chart?.spec?.version ?? '*';
  return (
    obj.metadata?.annotations?.[REVISION_ANNOTATION] ??
    `main@sha1:${obj.metadata?.generation ?? 0}`
  );
}

/** The reason helm-controller or kustomize-controller gives an event of a finished reconciliation. */
export function reasonFor(
  kind: AppKind['kind'],
  failed: boolean,
  firstRelease: boolean,
): string {
  if (kind === 'Kustomization')
    return failed ? 'ReconciliationFailed' : 'ReconciliationSucceeded';
  if (firstRelease) return failed ? 'InstallFailed' : 'InstallSucceeded';
  return failed ? 'UpgradeFailed' : 'UpgradeSucceeded';
}

/**
 * The sandbox's Helm repository has no chart version with the pre-release tag `missing`
 * (`6.9.9-missing`): a HelmRelease asking for one fails as helm-controller reports a chart
 * that source-controller cannot find. A way to make a rollout fail from outside the sandbox
 * process (the e2e tests, the demo), where `setFailure` cannot be called.
 */
export function missingChartMessage(
  kind: AppKind['kind'],
  obj: AppObject,
  revision: string,
): string | undefined {
  if (kind !== 'HelmRelease' || !/-missing$/.test(revision)) return undefined;
  const ns = obj.metadata?.namespace;
  return `HelmChart '${ns}/${ns}-${obj.metadata?.name}' is not ready: invalid chart reference: failed to get chart version for remote reference: no 'podinfo' chart with version matching '${revision}' found`;
}

function condition(
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  generation?: number,
) {
  return {
    type: 'Ready',
    status,
    reason,
    message,
    observedGeneration: generation,
    lastTransitionTime: new Date().toISOString(),
  };
}

/**
 * Stands in for Flux's helm-controller and kustomize-controller: watches HelmReleases
 * and Kustomizations on each cluster and, after a delay, reports them Ready at the
 * version of their spec (or failed, when a test asks for it) — through the same status
 * fields the real controllers write.
 */
export class FluxStandIn {
  private readonly informers: Array<Informer<AppObject>> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly failures = new Map<string, string>();
  /** Reconciliations scheduled, by app and generation, so each runs once. */
  private readonly pending = new Set<string>();
  private stopped = false;

  constructor(
    private readonly clusters: Record<string, KubeConfig>,
    private readonly delayMs = 1000,
    /** Each cluster's notification-controller event receiver (the controllers' `--events-addr`). */
    private readonly eventsAddr: Record<string, string> = {},
  ) {}

  /** Makes the next reconciliations of an app fail with `message` (undefined: succeed again). */
  setFailure(
    cluster: string,
    kind: AppKind['kind'],
    namespace: string,
    name: string,
    message?: string,
  ) {
    const key = `${cluster}/${kind}/${namespace}/${name}`;
    if (message) this.failures.set(key, message);
    else this.failures.delete(key);
  }

  async start() {
    for (const [cluster, kc] of Object.entries(this.clusters)) {
      const api = kc.makeApiClient(CustomObjectsApi);
      for (const kind of APP_KINDS) {
        const informer = makeInformer<AppObject>(
          kc,
          `/apis/${kind.group}/${kind.version}/${kind.plural}`,
          () =>
            api.listClusterCustomObject({
              group: kind.group,
              version: kind.version,
              plural: kind.plural,
            }) as any,
        );
        const onChange = (obj: AppObject) =>
          this.observe(cluster, api, kind, obj);
        informer.on('add', onChange);
        informer.on('update', onChange);
        informer.on('error', () => {
          // The cluster went away (stopped for a fault test): watch again when it is back.
          if (!this.stopped)
            this.later(() => informer.start().catch(() => undefined), 1000);
        });
        await informer.start();
        this.informers.push(informer);
      }
    }
  }

  async stop() {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all(this.informers.map(i => i.stop()));
  }

  private later(fn: () => void, ms: number) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private observe(
    cluster: string,
    api: CustomObjectsApi,
    kind: AppKind,
    obj: AppObject,
  ) {
    const generation = obj.metadata?.generation;
    const revision = desiredRevision(kind.kind, obj);
    const key = `${cluster}/${kind.kind}/${obj.metadata?.namespace}/${obj.metadata?.name}`;
    const failure =
      this.failures.get(key) ?? missingChartMessage(kind.kind, obj, revision);
    const status = obj.status ?? {};
    const ready = status.conditions?.find(c => c.type === 'Ready');
    const done =
      status.observedGeneration === generation &&
      status.lastAttemptedRevision === revision &&
      (failure
        ? ready?.status === 'False' && ready?.message === failure
        : ready?.status === 'True');
    if (done) return;
    if (
      ready?.status !== 'Unknown' ||
      status.lastAttemptedRevision !== revision
    ) {
      // Reconciliation starts: Progressing, like Flux reports it.
      void this.writeStatus(api, kind, obj, {
        ...status,
        lastAttemptedRevision: revision,
        conditions: [
          condition(
            'Unknown',
            'Progressing',
            `Reconciliation in progress for revision ${revision}`,
            generation,
          ),
        ],
      });
    }
    const run = `${key}@${generation}@${revision}@${failure ?? ''}`;
    if (this.pending.has(run)) return;
    this.pending.add(run);
    this.later(() => {
      this.pending.delete(run);
      if (this.stopped) return;
      const succeeded =
        kind.kind === 'HelmRelease'
          ? `Helm upgrade succeeded for release ${obj.metadata?.namespace}/${obj.metadata?.name} with chart podinfo@${revision}`
          : `Applied revision: ${revision}`;
      const message = failure ?? succeeded;
      const firstRelease = !status.lastAppliedRevision;
      void this.postEvent(cluster, kind, obj, {
        failed: Boolean(failure),
        message,
        revision,
        reason: reasonFor(kind.kind, Boolean(failure), firstRelease),
      });
      void this.writeStatus(api, kind, obj, {
        observedGeneration: generation,
        lastAttemptedRevision: revision,
        lastAppliedRevision: failure ? status.lastAppliedRevision : revision,
        conditions: [
          failure
            ? condition(
                'False',
                kind.kind === 'HelmRelease'
                  ? 'UpgradeFailed'
                  : 'ReconciliationFailed',
                failure,
                generation,
              )
            : condition('True', 'ReconciliationSucceeded', message, generation),
        ],
      });
    }, this.delayMs);
  }

  /**
   * Posts the event helm-controller or kustomize-controller would post to the cluster's
   * notification-controller: severity info or error, the controller's reason, and the
   * revision in metadata under the app's API group (as fluxcd/pkg's event recorder does).
   */
  private async postEvent(
    cluster: string,
    kind: AppKind,
    obj: AppObject,
    e: { failed: boolean; message: string; revision: string; reason: string },
  ) {
    const address = this.eventsAddr[cluster];
    if (!address) return;
    const event = {
      involvedObject: {
        apiVersion: `${kind.group}/${kind.version}`,
        kind: kind.kind,
        name: obj.metadata?.name,
        namespace: obj.metadata?.namespace,
        uid: obj.metadata?.uid,
      },
      severity: e.failed ? 'error' : 'info',
      timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      message: e.message,
      reason: e.reason,
      metadata: { [`${kind.group}/revision`]: e.revision },
      reportingController:
        kind.kind === 'HelmRelease'
          ? 'helm-controller'
          : 'kustomize-controller',
      reportingInstance: `${cluster}-flux-stand-in`,
    };
    await fetch(address, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(event),
    }).catch(err => {
      if (process.env.SANDBOX_DEBUG)
        console.error('[flux] event post failed', err);
    });
  }

  private async writeStatus(
    api: CustomObjectsApi,
    kind: AppKind,
    obj: AppObject,
    status: AppObject['status'],
  ) {
    try {
      const current = (await api.getNamespacedCustomObject({
        group: kind.group,
        version: kind.version,
        namespace: obj.metadata!.namespace!,
        plural: kind.plural,
        name: obj.metadata!.name!,
      })) as AppObject;
      if (current.metadata?.generation !== obj.metadata?.generation) return; // a newer spec: its own event follows
      await api.replaceNamespacedCustomObjectStatus({
        group: kind.group,
        version: kind.version,
        namespace: obj.metadata!.namespace!,
        plural: kind.plural,
        name: obj.metadata!.name!,
        body: { ...current, status },
      });
    } catch (e: any) {
      // Deleted, conflicting or unreachable: the informer delivers the next state.
      if (process.env.SANDBOX_DEBUG)
        console.error(
          '[flux] status write failed',
          e?.code,
          e?.body ?? e?.message,
        );
    }
  }
}
