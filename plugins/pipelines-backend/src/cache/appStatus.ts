import type {
  Condition,
  TargetHealth,
} from '@gitops-pipelines/plugin-pipelines-common';

/** The parts of a Flux HelmRelease / Kustomization the status model reads. */
export interface FluxApp {
  metadata?: { name?: string; namespace?: string; generation?: number };
  spec?: { chart?: { spec?: { version?: string } } };
  status?: {
    observedGeneration?: number;
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    conditions?: Array<Partial<Condition>>;
  };
}

export interface AppState {
  health: TargetHealth;
  version?: string;
  message?: string;
  lastTransitionTime?: string;
  /** `status.lastAttemptedRevision` when it is not the applied version (an upgrade in progress or failing). */
  attemptedVersion?: string;
}

/**
 * Health and version of a Flux app, from its `Ready` condition: True → ready, False →
 * not ready, Unknown or a spec Flux has not observed yet → progressing. The version is
 * what was applied (`status.lastAppliedRevision`), else the chart version of the spec.
 */
export function appState(app: FluxApp): AppState {
  const ready = app.status?.conditions?.find(c => c.type === 'Ready');
  const version = app.status?.lastAppliedRevision || app.spec?.chart?.spec?.version || undefined;
  const stale =
    app.metadata?.generation !== undefined &&
    app.status?.observedGeneration !== undefined &&
    app.status.observedGeneration < app.metadata.generation;
  let health: TargetHealth;
  if (!ready) health = 'unknown';
  else if (ready.status === 'Unknown' || (stale && ready.status === 'True')) health = 'progressing';
  else if (ready.status === 'True') health = 'ready';
  else health = 'not-ready';
  const attempted = app.status?.lastAttemptedRevision || undefined;
  return {
    health,
    version,
    message: ready?.message || undefined,
    lastTransitionTime: ready?.lastTransitionTime || undefined,
    ...(attempted && attempted !== version ? { attemptedVersion: attempted } : {}),
  };
}
