import type {
  Condition,
  TargetHealth,
} from '@gitops-pipelines/plugin-pipelines-common';

/**
 * One entry of a HelmRelease's `status.history` (helm-controller API v2beta2 and v2,
 * `api/v2/snapshot_types.go`): a Helm release version and the chart it installed.
 */
export interface HelmReleaseSnapshot {
  /** The Helm release version: the latest snapshot has the highest. */
  version?: number;
  /** `deployed`, `superseded`, `failed`, `uninstalled`, `pending-*`… (Helm's release status). */
  status?: string;
  chartName?: string;
  /** The chart version; for charts from an OCIRepository, `<version>+<first 12 hex of the digest>`. */
  chartVersion?: string;
  /** `sha256:<hex>` of the OCI artifact, for charts from an OCIRepository. */
  ociDigest?: string;
}

/**
 * The parts of a Flux HelmRelease (helm.toolkit.fluxcd.io v2beta1, v2beta2, v2) or
 * Kustomization (kustomize.toolkit.fluxcd.io v1) the status model reads.
 */
export interface FluxApp {
  metadata?: { name?: string; namespace?: string; generation?: number };
  spec?: {
    suspend?: boolean;
    /** HelmRelease with a chart template (all versions). */
    chart?: { spec?: { version?: string } };
    /** HelmRelease v2 referring to a HelmChart or OCIRepository instead. */
    chartRef?: { kind?: string; name?: string; namespace?: string };
  };
  status?: {
    observedGeneration?: number;
    /** HelmRelease v2beta1 and Kustomization: the revision last applied. */
    lastAppliedRevision?: string;
    /** The revision last tried (chart version for a HelmRelease, source revision for a Kustomization). */
    lastAttemptedRevision?: string;
    /** HelmRelease v2beta2 and v2: the Helm releases, latest first. */
    history?: HelmReleaseSnapshot[];
    conditions?: Array<Partial<Condition>>;
  };
}

/**
 * Cuts a watched HelmRelease or Kustomization down to what {@link FluxApp} describes, in
 * place (the informer keeps the object it handed out): name, namespace, uid,
 * resourceVersion and generation (the informer compares uid and resourceVersion); `suspend`,
 * the chart version and chartRef of the spec; the status fields above, history entries with
 * only their version, status, chart version and OCI digest. Real HelmReleases carry their
 * whole `values` and Kustomizations their inventory: memory the status model never reads.
 */
export function slimFluxApp(obj: FluxApp | undefined) {
  if (!obj) return;
  const { metadata: m, spec, status } = obj as any;
  if (m)
    obj.metadata = {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      generation: m.generation,
    } as any;
  if (spec) {
    const version = spec.chart?.spec?.version;
    obj.spec = {
      suspend: spec.suspend,
      chartRef: spec.chartRef,
      chart: version === undefined ? undefined : { spec: { version } },
    };
  }
  if (status) {
    obj.status = {
      observedGeneration: status.observedGeneration,
      lastAppliedRevision: status.lastAppliedRevision,
      lastAttemptedRevision: status.lastAttemptedRevision,
      conditions: status.conditions,
      history: status.history?.map((h: HelmReleaseSnapshot) => ({
        version: h.version,
        status: h.status,
        chartVersion: h.chartVersion,
        ociDigest: h.ociDigest,
      })),
    };
  }
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
 * The chart version a snapshot stands for: helm-controller appends `+<first 12 hex of the
 * OCI digest>` to the versions of charts from an OCIRepository; that suffix is the digest,
 * not part of the version, so it is dropped when it matches the snapshot's `ociDigest`.
 */
export function snapshotVersion(s: HelmReleaseSnapshot): string | undefined {
  const version = s.chartVersion || undefined;
  const digest = s.ociDigest?.replace(/^sha256:/, '');
  if (version && digest) {
    const plus = version.lastIndexOf('+');
    if (
      plus > 0 &&
      digest.startsWith(version.slice(plus + 1)) &&
      version.length - plus - 1 >= 12
    )
      return version.slice(0, plus);
  }
  return version;
}

/** The version a HelmRelease or Kustomization runs, from its status as its controller writes it. */
export function appliedVersion(app: FluxApp): string | undefined {
  const history = app.status?.history;
  if (history?.length) {
    // The latest deployed release (helm-controller keeps history sorted by version, but sort anyway).
    const deployed = [...history]
      .sort((a, b) => (b.version ?? 0) - (a.version ?? 0))
      .find(s => s.status === 'deployed');
    if (deployed) return snapshotVersion(deployed);
  }
  return (
    app.status?.lastAppliedRevision ||
    app.spec?.chart?.spec?.version ||
    undefined
  );
}

/** `lastAttemptedRevision`, with an OCI digest suffix dropped as for the history. */
function attemptedVersion(app: FluxApp): string | undefined {
  const attempted = app.status?.lastAttemptedRevision || undefined;
  const latest = app.status?.history?.find(s => s.chartVersion === attempted);
  return latest ? snapshotVersion(latest) : attempted;
}

/**
 * Health and version of a Flux app, read as helm-controller and kustomize-controller write
 * them: suspended (`spec.suspend`); `Ready` True → ready, False → not ready (Flux's message),
 * Unknown or a spec the controller has not observed yet (`observedGeneration <
 * generation`) → progressing; no `Ready` → unknown. The version is the latest deployed
 * release of `status.history` (v2beta2, v2), else `status.lastAppliedRevision`
 * (v2beta1, Kustomization), else the chart version of the spec.
 */
export function appState(app: FluxApp): AppState {
  const ready = app.status?.conditions?.find(c => c.type === 'Ready');
  const version = appliedVersion(app);
  const stale =
    app.metadata?.generation !== undefined &&
    app.status?.observedGeneration !== undefined &&
    app.status.observedGeneration < app.metadata.generation;
  let health: TargetHealth;
  if (app.spec?.suspend) health = 'suspended';
  else if (!ready) health = 'unknown';
  else if (ready.status === 'Unknown' || (stale && ready.status === 'True'))
    health = 'progressing';
  else if (ready.status === 'True') health = 'ready';
  else health = 'not-ready';
  const attempted = attemptedVersion(app);
  return {
    health,
    version,
    message:
      (app.spec?.suspend ? 'Reconciliation is suspended' : ready?.message) ||
      undefined,
    lastTransitionTime: ready?.lastTransitionTime || undefined,
    ...(attempted && attempted !== version
      ? { attemptedVersion: attempted }
      : {}),
  };
}
