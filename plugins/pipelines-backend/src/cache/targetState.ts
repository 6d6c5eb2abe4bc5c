import {
  Pipeline,
  Target,
  TargetState,
} from '@gitops-pipelines/plugin-pipelines-common';
import { ClusterResolver } from '../clusters/TargetClusters';
import { ManagementWatchers } from '../watch/ManagementWatchers';
import { appState } from './appStatus';

/**
 * One target's state from the watch cache: its cluster resolved (GitopsCluster, Secret,
 * config mapping), then the app (HelmRelease or Kustomization) read from that cluster's
 * watcher. `referenced(connectionKey, appKey, namespace, name)` is told which app object the
 * target reads, so that events of that object recompute the pipeline. Health is `unknown`
 * while connecting, `cluster-not-ready` when unreachable, `app-missing` when the app is not
 * there; otherwise what Flux reports ({@link appState}).
 */
export function targetState(
  m: ManagementWatchers,
  pipeline: Pipeline,
  target: Target,
  resolve: ClusterResolver,
  referenced: (
    connectionKey: string,
    appKey: string,
    namespace: string,
    name: string,
  ) => void,
): TargetState {
  const base = { namespace: target.namespace, clusterRef: target.clusterRef };
  const resolved = resolve(m, pipeline.metadata.namespace, target);
  if (!resolved.ok) return { ...base, ...resolved.state };
  const { appRef } = pipeline.spec;
  const appKey = `${appRef.apiVersion}|${appRef.kind}`;
  referenced(resolved.connection.key, appKey, target.namespace, appRef.name);
  const watcher = resolved.connection.apps.get(appKey);
  const cluster = resolved.display;
  if (!watcher) {
    return {
      ...base,
      cluster,
      health: 'unknown',
      appFound: false,
      message: `${appRef.kind} is not a supported app kind`,
    };
  }
  if (!watcher.connected) {
    if (!watcher.synced && !watcher.error) {
      return {
        ...base,
        cluster,
        health: 'unknown',
        appFound: false,
        message: 'connecting to the cluster',
      };
    }
    return {
      ...base,
      cluster,
      health: 'cluster-not-ready',
      appFound: false,
      message: `cluster unreachable: ${watcher.error}`,
    };
  }
  const app = watcher.get(appRef.name, target.namespace);
  if (!app) {
    return {
      ...base,
      cluster,
      health: 'app-missing',
      appFound: false,
      message: `${appRef.kind} ${appRef.name} not found in namespace ${target.namespace}`,
    };
  }
  return { ...base, cluster, appFound: true, ...appState(app) };
}
