/**
 * TypeScript types for the Pipeline custom resource, `pipelines.weave.works/v1alpha1`,
 * field for field as Weave GitOps' pipeline-controller defines it, so that users migrate
 * with their YAML unchanged.
 */

/** The Kubernetes object metadata the plugins read from a Pipeline. @public */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * A reference to the application governed by the pipeline: a Flux HelmRelease or
 * Kustomization, looked up by name in each target's namespace.
 * @public
 */
export interface LocalAppReference {
  /** API version of the referent, e.g. `helm.toolkit.fluxcd.io/v2beta1`. */
  apiVersion: string;
  /** Kind of the referent: `HelmRelease` or `Kustomization`. */
  kind: string;
  /** Name of the referent. */
  name: string;
}

/**
 * A reference to a cluster (a `GitopsCluster`) in any namespace.
 * @public
 */
export interface CrossNamespaceClusterReference {
  /** API version of the referent. Optional. */
  apiVersion?: string;
  /** Kind of the referent, `GitopsCluster`. */
  kind: string;
  /** Name of the referent. */
  name: string;
  /** Namespace of the referent; defaults to the Pipeline's namespace. */
  namespace?: string;
}

/** A reference to a Secret in the Pipeline's namespace. @public */
export interface LocalObjectReference {
  name: string;
}

/** The forges the pull-request strategy supports. @public */
export type GitProviderType = 'github' | 'gitlab' | 'bitbucket-server';

/** All values of {@link GitProviderType}, in the order the CRD lists them. @public */
export const GIT_PROVIDER_TYPES: readonly GitProviderType[] = [
  'github',
  'gitlab',
  'bitbucket-server',
];

/**
 * Promotion by a pull request that edits marked YAML fields in a git repository.
 * @public
 */
export interface PullRequestPromotion {
  /** The git provider that hosts the repository. */
  type: GitProviderType;
  /** The git repository's HTTP(S) URL. */
  url: string;
  /** The branch that the pull request targets. */
  baseBranch: string;
  /**
   * Secret with `username` / `password` for git over HTTPS and `token` for the
   * provider's API.
   */
  secretRef: LocalObjectReference;
}

/**
 * Promotion by an event that Flux's notification-controller forwards. It has no fields.
 * @public
 */
export type NotificationPromotion = Record<string, never>;

/**
 * How a promotion is carried out. `pull-request` and `notification` are mutually
 * exclusive; `secretRef` names the Secret whose `hmac-key` authenticates webhook calls.
 * @public
 */
export interface Strategy {
  'pull-request'?: PullRequestPromotion;
  notification?: NotificationPromotion;
  secretRef?: LocalObjectReference;
}

/** How promotions between environments are done. @public */
export interface Promotion {
  /** When true, a promotion waits for a manual approval. */
  manual?: boolean;
  strategy: Strategy;
}

/** A namespace on a cluster where the pipeline's app runs. @public */
export interface Target {
  /** The namespace of the app on the target cluster. */
  namespace: string;
  /**
   * The target cluster. When unset the target is the cluster that holds the Pipeline
   * (a local target).
   */
  clusterRef?: CrossNamespaceClusterReference;
}

/** A stage of the pipeline, e.g. `dev` or `prod`. @public */
export interface Environment {
  name: string;
  /** At least one target. */
  targets: Target[];
  /** Promotion settings for promotions into this environment. */
  promotion?: Promotion;
}

/** @public */
export interface PipelineSpec {
  appRef: LocalAppReference;
  /** Ordered: a version is promoted from each environment to the next. */
  environments: Environment[];
  promotion?: Promotion;
}

/** A `metav1.Condition`. @public */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** @public */
export interface PipelineStatus {
  observedGeneration?: number;
  conditions?: Condition[];
}

/** The Pipeline custom resource. @public */
export interface Pipeline {
  apiVersion: 'pipelines.weave.works/v1alpha1';
  kind: 'Pipeline';
  metadata: ObjectMeta;
  spec: PipelineSpec;
  status?: PipelineStatus;
}
