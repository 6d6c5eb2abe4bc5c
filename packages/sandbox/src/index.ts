export { Sandbox, CLUSTER_NAMES } from './Sandbox';
export type { ClusterName, SandboxCluster, SandboxOptions } from './Sandbox';
export { FluxStandIn } from './FluxStandIn';
export {
  HELM_RELEASES,
  SEED_TARGETS,
  SEED_VERSIONS,
  gitopsClusterRef,
  helmRelease,
  notificationPipeline,
  seedPipeline,
} from './seed';
export { kubeConfigFor, apply } from './kube';
export { sandboxAppConfig } from './appConfig';
export {
  KUBERNETES_PLUGIN_ACCOUNT,
  KUBERNETES_PLUGIN_RBAC_FILE,
  MANAGEMENT_RBAC_FILE,
  PIPELINES_ACCOUNT,
  PIPELINES_NAMESPACE_RBAC_FILE,
  TARGET_RBAC_FILE,
} from './accounts';
export type { AccountRef } from './accounts';
export { GitForge } from './forge/GitForge';
export type { ForgeUser, Fault } from './forge/GitForge';
export { waitUntil } from './waitUntil';
export {
  NotificationControllerStandIn,
  cleanupMetadata,
} from './NotificationControllerStandIn';
export type { FluxEvent } from './NotificationControllerStandIn';
