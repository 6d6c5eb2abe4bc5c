/** The Kubernetes API group of the Pipeline resource. @public */
export const PIPELINE_GROUP = 'pipelines.weave.works';
/** @public */
export const PIPELINE_VERSION = 'v1alpha1';
/** @public */
export const PIPELINE_API_VERSION = `${PIPELINE_GROUP}/${PIPELINE_VERSION}`;
/** @public */
export const PIPELINE_KIND = 'Pipeline';
/** @public */
export const PIPELINE_PLURAL = 'pipelines';

/** GitopsCluster, the cluster kind a target's `clusterRef` points to. @public */
export const GITOPS_CLUSTER_GROUP = 'gitops.weave.works';
/** @public */
export const GITOPS_CLUSTER_VERSION = 'v1alpha1';
/** @public */
export const GITOPS_CLUSTER_KIND = 'GitopsCluster';
/** @public */
export const GITOPS_CLUSTER_PLURAL = 'gitopsclusters';

/** The backend and frontend plugin id. @public */
export const PIPELINES_PLUGIN_ID = 'pipelines';

/** The condition type the Pipeline status carries. @public */
export const CONDITION_READY = 'Ready';

/**
 * Reasons of the Pipeline's `Ready` condition, as the pipeline-controller sets them.
 * @public
 */
export const ConditionReasons = {
  /** A target's cluster (GitopsCluster) does not exist. */
  TargetClusterNotFound: 'TargetClusterNotFound',
  /** A target's cluster is not ready or cannot be reached. */
  TargetClusterNotReady: 'TargetClusterNotReady',
  /** Every target's cluster was resolved. */
  ReconciliationSucceeded: 'ReconciliationSucceeded',
  /**
   * The spec breaks a rule of the validator (possible where an older, looser CRD is
   * installed); the message lists every issue with its path. Our addition to the three
   * reasons of pipeline-controller.
   */
  InvalidSpec: 'InvalidSpec',
} as const;

/** @public */
export type ConditionReason =
  (typeof ConditionReasons)[keyof typeof ConditionReasons];

/** @public */
export const TARGET_CLUSTER_NOT_FOUND_REASON =
  ConditionReasons.TargetClusterNotFound;
/** @public */
export const TARGET_CLUSTER_NOT_READY_REASON =
  ConditionReasons.TargetClusterNotReady;
/** @public */
export const RECONCILIATION_SUCCEEDED_REASON =
  ConditionReasons.ReconciliationSucceeded;

/** The app kinds a Pipeline's `appRef` may point to. @public */
export const APP_KINDS = ['HelmRelease', 'Kustomization'] as const;
