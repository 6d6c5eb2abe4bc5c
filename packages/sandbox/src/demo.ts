import { CustomObjectsApi, KubernetesObject } from '@kubernetes/client-node';
import { randomBytes } from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  DemoReceiver,
  DemoTargets,
  setKustomizationRevision,
} from './DemoReceiver';
import { REVISION_ANNOTATION } from './FluxStandIn';
import { git } from './forge/git';
import { apply } from './kube';
import type { Sandbox } from './Sandbox';
import {
  namespace,
  notificationPipeline,
  SEED_TARGETS,
  seedPipeline,
} from './seed';
import { waitUntil } from './waitUntil';

/** The version the demo's "CI" releases into dev once the backend answers. */
export const DEMO_RELEASE = '6.2.0';

/** Where podinfo-kustomize's Kustomizations run. */
const KUSTOMIZE_TARGETS: DemoTargets = {
  dev: [{ cluster: 'dev', namespace: 'podinfo-ks-dev' }],
  prod: [{ cluster: 'prod', namespace: 'podinfo-ks-prod' }],
};

const notification = (
  kind: string,
  ns: string,
  name: string,
  spec: object,
): KubernetesObject =>
  ({
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    kind,
    metadata: { name, namespace: ns },
    spec,
  } as KubernetesObject);
const secret = (
  ns: string,
  name: string,
  stringData: Record<string, string>,
): KubernetesObject =>
  ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: ns },
    type: 'Opaque',
    stringData,
  } as KubernetesObject);

/**
 * podinfo-02 on the production path, as Weave documents it: its strategy's `secretRef` names a
 * Secret with an `hmac-key`, and on each target of dev and test an Alert on HelmRelease podinfo
 * sends helm-controller's events through a `generic-hmac` Provider to that environment's
 * promotion webhook. Its level trigger is off: promotions out of dev and test come from Flux.
 */
export function productionPathObjects(
  repositoryUrl: string,
  backendUrl: string,
  hmacKey: string,
) {
  const pipeline = seedPipeline(repositoryUrl) as any;
  pipeline.metadata.annotations = {
    ...pipeline.metadata.annotations,
    'pipelines.weave.works/level-trigger': 'false',
  };
  pipeline.spec.promotion.strategy.secretRef = { name: 'promotion-hmac' };
  const management = [
    secret('flux-system', 'promotion-hmac', { 'hmac-key': hmacKey }),
    pipeline as KubernetesObject,
  ];
  const targets = SEED_TARGETS.filter(t => t.environment !== 'prod').map(t => ({
    cluster: t.cluster,
    objects: [
      secret(t.namespace, 'pipelines-webhook', {
        token: hmacKey,
        address: `${backendUrl}/api/pipelines/promotion/flux-system/podinfo-02/${t.environment}`,
      }),
      notification('Provider', t.namespace, 'pipelines', {
        type: 'generic-hmac',
        secretRef: { name: 'pipelines-webhook' },
      }),
      notification('Alert', t.namespace, `promote-from-${t.environment}`, {
        providerRef: { name: 'pipelines' },
        eventSeverity: 'info',
        eventSources: [{ kind: 'HelmRelease', name: 'podinfo' }],
        exclusionList: [
          '.*upgrade.*has.*started',
          '.*is.*not.*ready',
          '^Dependencies.*',
        ],
      }),
    ],
  }));
  return { management, targets };
}

/**
 * podinfo-kustomize: a Kustomization app whose versions are Git revisions (`main@sha1:…`),
 * promoted by the notification strategy after a 20 s soak in dev. An Alert on the Pipeline forwards its Promote events to
 * a `generic` Provider whose address is the demo receiver, which deploys them.
 */
export function kustomizePipelineObjects(
  receiverUrl: string,
): KubernetesObject[] {
  const pipeline = notificationPipeline({
    name: 'podinfo-kustomize',
    appRef: {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      name: 'podinfo',
    },
    environments: KUSTOMIZE_TARGETS,
    // A new revision must run in dev, Ready, for 20 s before the level trigger promotes it.
    annotations: {
      'pipelines.weave.works/entity': 'component:default/podinfo-kustomize',
      'pipelines.weave.works/level-trigger': 'true',
      'pipelines.weave.works/soak': 'dev=20s',
    },
  });
  return [
    pipeline,
    notification('Provider', 'flux-system', 'demo-receiver', {
      type: 'generic',
      address: receiverUrl,
    }),
    notification('Alert', 'flux-system', 'podinfo-kustomize-promotions', {
      providerRef: { name: 'demo-receiver' },
      eventSeverity: 'info',
      eventSources: [{ kind: 'Pipeline', name: 'podinfo-kustomize' }],
    }),
  ];
}

/** A Kustomization of the demo repository at a revision. */
function kustomization(ns: string, revision: string): KubernetesObject {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: {
      name: 'podinfo',
      namespace: ns,
      annotations: { [REVISION_ANNOTATION]: revision },
    },
    spec: {
      interval: '10m',
      path: './apps/podinfo',
      prune: true,
      sourceRef: {
        kind: 'GitRepository',
        name: 'my-app-repo',
        namespace: 'flux-system',
      },
    },
  } as KubernetesObject;
}

/**
 * The demo of `npm start` on top of a seeded sandbox: podinfo-02 on the production path,
 * podinfo-kustomize with its receiver, and — once the backend has caught up — a release of
 * {@link DEMO_RELEASE} into dev, so the first promotion out of dev comes from helm-controller's
 * event through the Alert (ledger trigger `webhook`).
 */
export class Demo {
  private stopped = false;

  private constructor(
    private readonly sandbox: Sandbox,
    readonly receiver: DemoReceiver,
    private readonly log: (line: string) => void,
  ) {}

  static async install(
    sandbox: Sandbox,
    options: {
      backendUrl: string;
      receiverPort?: number;
      log?: (line: string) => void;
    },
  ) {
    const log = options.log ?? (() => undefined);
    if (!sandbox.repositoryUrl)
      throw new Error('The demo needs the sandbox forge');
    const receiver = new DemoReceiver(
      Object.fromEntries(
        sandbox.names.map(n => [n, sandbox.clusters[n].admin]),
      ),
      { 'flux-system/podinfo-kustomize': KUSTOMIZE_TARGETS },
      log,
    );
    await receiver.start(options.receiverPort);
    const paths = productionPathObjects(
      sandbox.repositoryUrl,
      options.backendUrl,
      randomBytes(32).toString('hex'),
    );
    await apply(sandbox.clusters.management.admin, paths.management);
    for (const t of paths.targets)
      await apply(sandbox.clusters[t.cluster].admin, t.objects);
    const head = await git(
      sandbox.forge!.repoPath('my-org', 'my-app-repo'),
      'rev-parse',
      'refs/heads/main',
    );
    for (const [, targets] of Object.entries(KUSTOMIZE_TARGETS)) {
      for (const t of targets)
        await apply(sandbox.clusters[t.cluster].admin, [
          namespace(t.namespace),
          kustomization(t.namespace, `main@sha1:${head}`),
        ]);
    }
    await apply(
      sandbox.clusters.management.admin,
      kustomizePipelineObjects(receiver.url),
    );
    return new Demo(sandbox, receiver, log);
  }

  /**
   * Waits (up to `timeoutMs`) until the backend has written podinfo-02's status for its current
   * spec — its watch cache then knows the Pipeline and its Secret — and releases into dev.
   */
  async releaseWhenBackendIsUp(timeoutMs = 20 * 60_000) {
    const api =
      this.sandbox.clusters.management.admin.makeApiClient(CustomObjectsApi);
    const caughtUp = async () => {
      if (this.stopped) return true;
      const p: any = await api
        .getNamespacedCustomObject({
          group: 'pipelines.weave.works',
          version: 'v1alpha1',
          namespace: 'flux-system',
          plural: 'pipelines',
          name: 'podinfo-02',
        })
        .catch(() => undefined);
      return p?.status?.observedGeneration === p?.metadata?.generation;
    };
    await waitUntil(
      caughtUp,
      'the backend to write the status of podinfo-02',
      timeoutMs,
      500,
    );
    if (this.stopped) return;
    const head = await this.release(DEMO_RELEASE);
    this.log(
      `[demo] released podinfo ${DEMO_RELEASE} into dev (commit ${head.slice(
        0,
        12,
      )}); dev's Kustomization follows main`,
    );
    for (const t of KUSTOMIZE_TARGETS.dev)
      await setKustomizationRevision(
        this.sandbox.clusters[t.cluster].admin,
        t.namespace,
        `main@sha1:${head}`,
      );
  }

  /** Commits `version` into dev's marked field on main, as a release job would; returns the commit. */
  async release(version: string): Promise<string> {
    const forge = this.sandbox.forge!;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-release-'));
    try {
      await git(
        work,
        'clone',
        '-q',
        forge.repoPath('my-org', 'my-app-repo'),
        '.',
      );
      const file = path.join(work, 'clusters/dev/podinfo-02-dev/podinfo.yaml');
      const text = fs
        .readFileSync(file, 'utf8')
        .replace(
          /version: \S+( # \{"\$promotion": "flux-system:podinfo-02:dev"\})/,
          `version: ${version}$1`,
        );
      fs.writeFileSync(file, text);
      await git(
        work,
        'commit',
        '-q',
        '-am',
        `Release podinfo ${version} to dev`,
      );
      await git(work, 'push', '-q', 'origin', 'main');
      return await git(work, 'rev-parse', 'HEAD');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }

  async stop() {
    this.stopped = true;
    await this.receiver.stop();
  }
}
