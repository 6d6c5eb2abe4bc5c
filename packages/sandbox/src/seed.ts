import type { KubernetesObject } from '@kubernetes/client-node';

/** The version each environment of the seed pipeline runs at start. */
export const SEED_VERSIONS = {
  dev: '6.1.0',
  test: '6.0.1',
  prod: '6.0.0',
} as const;

/** Where the seed pipeline's targets live: cluster → namespaces and their environment. */
export const SEED_TARGETS: Array<{
  cluster: 'dev' | 'prod';
  namespace: string;
  environment: keyof typeof SEED_VERSIONS;
}> = [
  { cluster: 'dev', namespace: 'podinfo-02-dev', environment: 'dev' },
  { cluster: 'dev', namespace: 'podinfo-02-qa', environment: 'test' },
  { cluster: 'dev', namespace: 'podinfo-02-perf', environment: 'test' },
  { cluster: 'prod', namespace: 'podinfo-02-prod', environment: 'prod' },
];

const namespace = (name: string): KubernetesObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name },
});

/** The demo repository's manifests: podinfo's HelmRelease per target, versions marked per environment. */
export function seedRepositoryFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'README.md':
      '# my-app-repo\n\nFlux manifests of podinfo, promoted by the pipeline flux-system/podinfo-02.\n',
  };
  for (const t of SEED_TARGETS) {
    files[
      `clusters/${t.cluster}/${t.namespace}/podinfo.yaml`
    ] = `# podinfo in ${t.environment} (${t.namespace} on ${t.cluster})
apiVersion: helm.toolkit.fluxcd.io/v2beta1
kind: HelmRelease
metadata:
  name: podinfo
  namespace: ${t.namespace}
spec:
  interval: 5m
  chart:
    spec:
      chart: podinfo
      version: ${
        SEED_VERSIONS[t.environment]
      } # {"$promotion": "flux-system:podinfo-02:${t.environment}"}
      sourceRef:
        kind: HelmRepository
        name: podinfo
        namespace: flux-system
`;
  }
  // podinfo-gated promotes the same app with prod behind an approval; its markers live outside
  // clusters/, so merging its PRs changes no cluster (the GitOps stand-in applies clusters/ only).
  for (const env of ['dev', 'test', 'prod'] as const) {
    files[
      `gated/${env}.yaml`
    ] = `# the version podinfo-gated promotes into ${env}\nrelease:\n  version: ${SEED_VERSIONS[env]} # {"$promotion": "flux-system:podinfo-gated:${env}"}\n`;
  }
  return files;
}

/**
 * A second demo pipeline: the seed's, with promotions into prod waiting for two distinct
 * approvers (the quorum is kept in Git with the Pipeline, as an annotation).
 */
export function gatedPipeline(repositoryUrl: string): KubernetesObject {
  const p = seedPipeline(repositoryUrl) as any;
  p.metadata.name = 'podinfo-gated';
  p.metadata.annotations = {
    ...p.metadata.annotations,
    'pipelines.weave.works/entity': 'component:default/podinfo-gated',
    'pipelines.weave.works/required-approvals': 'prod=2',
  };
  p.spec.environments[2].promotion = {
    manual: true,
    strategy: p.spec.promotion.strategy,
  };
  return p;
}

/** The HelmRelease resource the sandbox serves, for CustomObjectsApi calls. */
export const HELM_RELEASES = {
  group: 'helm.toolkit.fluxcd.io',
  version: 'v2beta1',
  plural: 'helmreleases',
};

/** A Pipeline target's `clusterRef` to the GitopsCluster `flux-system/<name>`. */
export const gitopsClusterRef = (name: string) => ({
  kind: 'GitopsCluster',
  name,
  namespace: 'flux-system',
});

/**
 * A Pipeline in `flux-system` promoted by the notification strategy (Promote events), its
 * environments in the given order, each target a namespace on a GitopsCluster.
 */
export function notificationPipeline(options: {
  name: string;
  appRef: { apiVersion: string; kind: string; name: string };
  environments: Record<string, Array<{ cluster: string; namespace: string }>>;
  annotations?: Record<string, string>;
}): KubernetesObject {
  return {
    apiVersion: 'pipelines.weave.works/v1alpha1',
    kind: 'Pipeline',
    metadata: {
      name: options.name,
      namespace: 'flux-system',
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
    spec: {
      appRef: options.appRef,
      environments: Object.entries(options.environments).map(
        ([name, targets]) => ({
          name,
          targets: targets.map(t => ({
            namespace: t.namespace,
            clusterRef: gitopsClusterRef(t.cluster),
          })),
        }),
      ),
      promotion: { strategy: { notification: {} } },
    },
  } as KubernetesObject;
}

/** The seed's example pipeline, as Weave's documentation gives it; its repository is the sandbox forge's. */
export function seedPipeline(
  repositoryUrl = 'https://github.com/my-org/my-repo',
): KubernetesObject {
  const ref = gitopsClusterRef;
  return {
    apiVersion: 'pipelines.weave.works/v1alpha1',
    kind: 'Pipeline',
    metadata: {
      name: 'podinfo-02',
      namespace: 'flux-system',
      // The catalog entity that owns it: permission decisions are made on it.
      annotations: {
        'pipelines.weave.works/entity': 'component:default/podinfo',
      },
    },
    spec: {
      appRef: {
        apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
        kind: 'HelmRelease',
        name: 'podinfo',
      },
      environments: [
        {
          name: 'dev',
          targets: [{ namespace: 'podinfo-02-dev', clusterRef: ref('dev') }],
        },
        {
          name: 'test',
          targets: [
            { namespace: 'podinfo-02-qa', clusterRef: ref('dev') },
            { namespace: 'podinfo-02-perf', clusterRef: ref('dev') },
          ],
        },
        {
          name: 'prod',
          targets: [{ namespace: 'podinfo-02-prod', clusterRef: ref('prod') }],
        },
      ],
      promotion: {
        strategy: {
          'pull-request': {
            type: 'github',
            url: repositoryUrl,
            baseBranch: 'main',
            secretRef: { name: 'github-credentials' },
          },
        },
      },
    },
  } as KubernetesObject;
}

/** A Flux HelmRelease of podinfo at a chart version. */
export function helmRelease(
  ns: string,
  version: string,
  name = 'podinfo',
): KubernetesObject {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
    kind: 'HelmRelease',
    metadata: { name, namespace: ns },
    spec: {
      interval: '5m',
      chart: {
        spec: {
          chart: 'podinfo',
          version,
          sourceRef: {
            kind: 'HelmRepository',
            name: 'podinfo',
            namespace: 'flux-system',
          },
        },
      },
    },
  } as KubernetesObject;
}

/** A GitopsCluster and the Secret holding its kubeconfig (key `value`, Weave's convention). */
export function gitopsCluster(
  name: string,
  kubeconfig: string,
): KubernetesObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${name}-kubeconfig`, namespace: 'flux-system' },
      type: 'Opaque',
      stringData: { value: kubeconfig },
    } as KubernetesObject,
    {
      apiVersion: 'gitops.weave.works/v1alpha1',
      kind: 'GitopsCluster',
      metadata: { name, namespace: 'flux-system' },
      spec: { secretRef: { name: `${name}-kubeconfig` } },
    } as KubernetesObject,
  ];
}

export { namespace };
