import { helmRelease } from '@gitops-pipelines/sandbox';

/*
 * What the suite puts on the sandbox before the backend starts: its app on the target
 * clusters, its Pipelines and Secrets on the management cluster (the tenant's writes), and the
 * catalog entities that own them.
 */

/** The app every suite pipeline promotes: HelmRelease `secapp` in these namespaces. */
export const APP = 'secapp';
export const TARGETS = {
  dev: { cluster: 'dev', namespace: 'sec-dev' },
  test: { cluster: 'dev', namespace: 'sec-test' },
  prod: { cluster: 'prod', namespace: 'sec-prod' },
} as const;
export type Env = keyof typeof TARGETS;

/** Where each environment starts: dev is ahead, prod behind. */
export const START_VERSIONS: Record<Env, string> = {
  dev: '1.2.0',
  test: '1.1.0',
  prod: '1.0.0',
};

/** The catalog entities: who owns the suite's pipelines, and the one the attacker registers. */
export const ENTITIES = {
  /** Owned by group guests (guest, outsider). */
  guestApp: 'component:default/sec-guest-app',
  /** Owned by group podinfo-owners (reviewer, approver): the victim team. */
  victim: 'component:default/sec-victim',
  /** Registered by the attacker (owner outsider), claiming the victim's pipeline in its own annotation. */
  claim: 'component:default/sec-claim',
};

const ref = (cluster: string) => ({
  kind: 'GitopsCluster',
  name: cluster,
  namespace: 'flux-system',
});

/** The Flux event helm-controller posts when `env`'s target runs `version`. */
export function helmEvent(env: Env, version: string, name = APP) {
  return JSON.stringify({
    involvedObject: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      name,
      namespace: TARGETS[env].namespace,
    },
    severity: 'info',
    reason: 'UpgradeSucceeded',
    message: `Helm upgrade succeeded for release ${name} with chart podinfo@${version}`,
    metadata: { revision: version },
    reportingController: 'helm-controller',
    timestamp: new Date().toISOString(),
  });
}

/** A Pipeline of the suite in flux-system over the three environments, owned by `entity`. */
export function pipeline(
  name: string,
  options: {
    entity: string;
    strategy: object;
    annotations?: Record<string, string>;
    prod?: object;
    namespace?: string;
    clusterRef?: (env: Env) => object | undefined;
    /** Where an environment's target runs instead of {@link TARGETS}' namespace. */
    targetNamespace?: Partial<Record<Env, string>>;
  },
) {
  return {
    apiVersion: 'pipelines.weave.works/v1alpha1',
    kind: 'Pipeline',
    metadata: {
      name,
      namespace: options.namespace ?? 'flux-system',
      annotations: {
        'pipelines.weave.works/entity': options.entity,
        'pipelines.weave.works/level-trigger': 'false',
        ...options.annotations,
      },
    },
    spec: {
      appRef: {
        apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
        kind: 'HelmRelease',
        name: APP,
      },
      environments: (Object.keys(TARGETS) as Env[]).map(env => ({
        name: env,
        targets: [
          {
            namespace: options.targetNamespace?.[env] ?? TARGETS[env].namespace,
            clusterRef: options.clusterRef
              ? options.clusterRef(env)
              : ref(TARGETS[env].cluster),
          },
        ],
        ...(env === 'prod' && options.prod ? { promotion: options.prod } : {}),
      })),
      promotion: { strategy: options.strategy },
    },
  };
}

/** A pull-request strategy to `url` with the forge bot's credentials (the sandbox's Secret). */
export const pullRequest = (type: string, url: string) => ({
  'pull-request': {
    type,
    url,
    baseBranch: 'main',
    secretRef: { name: 'github-credentials' },
  },
});

/** The notification strategy, signed with the suite's `sec-hmac` Secret. */
export const signedNotification = {
  notification: {},
  secretRef: { name: 'sec-hmac' },
};

/** The suite's management-cluster objects besides the attacks' own. */
export function baseObjects(keys: { promotion: string; approval: string }) {
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sec-hmac', namespace: 'flux-system' },
      type: 'Opaque',
      stringData: {
        'hmac-key': keys.promotion,
        'approval-hmac-key': keys.approval,
      },
    },
    pipeline('sec-signed', {
      entity: ENTITIES.guestApp,
      strategy: signedNotification,
    }),
    pipeline('sec-unsigned', {
      entity: ENTITIES.guestApp,
      strategy: { notification: {} },
    }),
    // The victim team's pipeline: prod needs two approvers; the level trigger is on.
    pipeline('sec-gated', {
      entity: ENTITIES.victim,
      strategy: signedNotification,
      annotations: {
        'pipelines.weave.works/required-approvals': 'prod=2',
        'pipelines.weave.works/level-trigger': 'true',
      },
      prod: { manual: true, strategy: signedNotification },
    }),
  ];
}

/** The app on the target clusters: namespaces and HelmReleases at {@link START_VERSIONS}. */
export function targetObjects(cluster: string, versions = START_VERSIONS) {
  return (Object.keys(TARGETS) as Env[])
    .filter(env => TARGETS[env].cluster === cluster)
    .flatMap(env => [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: TARGETS[env].namespace },
      },
      helmRelease(TARGETS[env].namespace, versions[env], APP),
    ]);
}

/** The catalog file the suite's backend reads: the owners of its pipelines and the attacker's claim. */
export function catalogEntities(): object[] {
  const component = (
    name: string,
    owner: string,
    annotations: Record<string, string> = {},
  ) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations },
    spec: { type: 'service', lifecycle: 'production', owner },
  });
  return [
    component('sec-guest-app', 'group:default/guests', {
      'pipelines.weave.works/pipeline':
        'flux-system/sec-signed,flux-system/sec-unsigned',
    }),
    component('sec-victim', 'group:default/podinfo-owners', {
      'pipelines.weave.works/pipeline': 'flux-system/sec-gated',
    }),
    component('sec-claim', 'user:default/outsider', {
      'pipelines.weave.works/pipeline': 'flux-system/sec-gated',
    }),
  ];
}
