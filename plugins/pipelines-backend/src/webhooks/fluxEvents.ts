import type {
  Environment,
  LocalAppReference,
} from '@gitops-pipelines/plugin-pipelines-common';
import { InputError } from '@backstage/errors';
import { z } from 'zod';

/*
 * The rules of the compatibility webhook (`POST /promotion/{namespace}/{name}/{environment}`)
 * for the Flux event it receives: which events are bound to the pipeline and the environment
 * of the path, which of them mean "ready", and which version a revision is.
 *
 * Sources (read at fluxcd/helm-controller 0f61a86, fluxcd/kustomize-controller 186fb3b,
 * fluxcd/pkg e2cfd1a, fluxcd/notification-controller 2e46958):
 *
 * - The body is fluxcd/pkg `apis/event/v1beta1` `Event`: `involvedObject` (a
 *   corev1.ObjectReference that `runtime/events/recorder.go` fills with
 *   `reference.GetReference`, so with `apiVersion`, `kind`, `name`, `namespace`), `severity`
 *   (`info` | `error`; `trace` events are never sent to notification-controller — a Kubernetes
 *   `Warning` becomes `error`, `Normal` becomes `info`), `reason`, `message` and `metadata`.
 *   notification-controller (`internal/server/event_handlers.go` combineEventMetadata) strips
 *   the involved object's API group from the metadata keys, so the controllers'
 *   `<group>/revision` arrives as `metadata.revision`.
 *
 * - helm-controller (API v2, `api/v2/condition_types.go`; events in `internal/reconcile/*.go`
 *   and `internal/controller/helmrelease_controller.go`) emits these reasons:
 *     info:  InstallSucceeded, UpgradeSucceeded, TestSucceeded (install.go, upgrade.go,
 *            test.go `success`), RollbackSucceeded (rollback_remediation.go), UninstallSucceeded
 *            (uninstall.go, uninstall_remediation.go), DependencyNotReady, DriftCorrected
 *            (correct_cluster_drift.go), HealthCheckCanceled, PendingRelease (unlock.go)
 *     error: InstallFailed, UpgradeFailed, TestFailed, RollbackFailed, UninstallFailed,
 *            ArtifactFailed, InvalidCELExpression, AccessDenied, ValuesError, DriftDetected,
 *            DriftCorrectionFailed, InventoryBuildFailed, NamespaceCheckSkipped, PendingRelease
 *   (the API v2beta1/v2beta2 constants add InitFailed, GetLastReleaseFailed,
 *   ReconciliationSucceeded and ReconciliationFailed as condition reasons; trace events such
 *   as HelmChartCreated never reach the webhook). Before v0.37.0 (Flux < 2.2) the event reason
 *   was the severity itself (`info` / `error`, `controllers/helmrelease_controller.go` event())
 *   and a finished release said "Helm install succeeded", "Helm upgrade succeeded" or "Helm
 *   test succeeded" (handleHelmActionResult).
 *   The revision is the chart version (`eventMeta(cur.ChartVersion, …)`); for a chart from an
 *   OCIRepository, helm-controller appends the first 12 hex digits of the artifact digest as
 *   SemVer build metadata (`mutateChartWithSourceRevision`: `1.2.3+1234567890ab`) and sends
 *   the digest as `metadata["oci-digest"]`.
 *
 * - kustomize-controller (`internal/controller/kustomization_controller.go` event()) uses the
 *   Ready condition's reason as the event reason (else the severity): ReconciliationSucceeded
 *   for the "Reconciliation finished in …" event sent when the Kustomization is Ready;
 *   Progressing while applying and health-checking (the change-set and "Health check passed"
 *   events are `info` but the Kustomization is not Ready yet); ProgressingWithRetry,
 *   DependencyNotReady (info), HealthCheckCanceled (info); ReconciliationFailed,
 *   HealthCheckFailed, ArtifactFailed, BuildFailed, PruneFailed, InvalidCELExpression,
 *   FeatureGateDisabled, AccessDenied (error). The revision is the source artifact's:
 *   `<branch>@sha1:<hex>` / `<tag>@sha1:<hex>` / `sha1:<hex>` from a GitRepository,
 *   `<tag>@sha256:<hex>` / `sha256:<hex>` from an OCIRepository, `sha256:<hex>` from a Bucket
 *   (`<branch>/<hex>` before source-controller v1).
 *
 * So the rule is an allow-list of the reasons that mean "the app is ready at this revision",
 * per app kind, and severity not `error`: every failure, rollback, uninstall, test failure,
 * drift or progress event is ignored, and so is any reason a future controller adds until it
 * is added here.
 */

/** The Flux event body, as far as the webhook reads it (other fields are allowed). */
export const fluxEventSchema = z.object({
  involvedObject: z
    .object({
      apiVersion: z.string().optional(),
      kind: z.string().optional(),
      name: z.string().optional(),
      namespace: z.string().optional(),
    })
    .passthrough()
    .optional(),
  metadata: z.object({ revision: z.string().min(1).max(1024) }).passthrough(),
  message: z.string().optional(),
  reason: z.string().optional(),
  severity: z.string().optional(),
});

export type FluxEvent = z.infer<typeof fluxEventSchema>;

/** Event reasons that mean the app is ready at the event's revision, per app kind. */
export const READY_REASONS: Readonly<Record<string, readonly string[]>> = {
  // helm-controller ≥ v0.37 (API v2beta2 / v2): a release was installed or upgraded, or its tests passed
  HelmRelease: ['InstallSucceeded', 'UpgradeSucceeded', 'TestSucceeded'],
  // kustomize-controller: the Ready condition's reason once the Kustomization is Ready
  Kustomization: ['ReconciliationSucceeded'],
};

/** helm-controller < v0.37 sent reason `info` with these messages for a finished release. */
const LEGACY_HELM_READY_MESSAGE = /^Helm (install|upgrade|test) succeeded$/;

/** The API group of an `apiVersion`: `helm.toolkit.fluxcd.io/v2` → `helm.toolkit.fluxcd.io`; `v1` → ``. */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/**
 * Why the event is not about the pipeline's app in `environment`, or undefined when it is:
 * same kind and API group as `appRef` (any version of the group), same name, and the
 * namespace of one of the environment's targets. An event without `involvedObject.apiVersion`
 * (which no Flux controller sends: notification-controller itself needs it to find the
 * metadata) is matched on kind, name and namespace: the kind names the group for Flux's apps,
 * and a forger would simply add the field.
 */
export function eventMismatch(
  event: FluxEvent,
  appRef: LocalAppReference,
  environment: Environment,
): string | undefined {
  const obj = event.involvedObject;
  if (!obj) return 'the event has no involvedObject';
  const problems: string[] = [];
  if (obj.kind !== appRef.kind)
    problems.push(
      `kind is ${JSON.stringify(obj.kind ?? null)}, not "${appRef.kind}"`,
    );
  if (
    obj.apiVersion !== undefined &&
    apiGroup(obj.apiVersion) !== apiGroup(appRef.apiVersion)
  ) {
    problems.push(
      `apiVersion ${JSON.stringify(
        obj.apiVersion,
      )} is not in the group "${apiGroup(appRef.apiVersion)}"`,
    );
  }
  if (obj.name !== appRef.name)
    problems.push(
      `name is ${JSON.stringify(obj.name ?? null)}, not "${appRef.name}"`,
    );
  const namespaces = [...new Set(environment.targets.map(t => t.namespace))];
  if (obj.namespace === undefined || !namespaces.includes(obj.namespace)) {
    problems.push(
      `namespace is ${JSON.stringify(
        obj.namespace ?? null,
      )}, not a target namespace of environment "${
        environment.name
      }" (${namespaces.join(', ')})`,
    );
  }
  if (problems.length === 0) return undefined;
  return `The event's involvedObject is not the pipeline's ${appRef.kind} "${
    appRef.name
  }" in environment "${environment.name}": ${problems.join('; ')}`;
}

/**
 * Why the event does not mean "ready" (so it must not promote), or undefined when it does:
 * severity `error`, or a reason outside {@link READY_REASONS} for the app's kind.
 */
export function notReadyReason(
  event: FluxEvent,
  appKind: string,
): string | undefined {
  const reason = event.reason ?? '';
  const allowed = READY_REASONS[appKind] ?? Object.values(READY_REASONS).flat();
  const describe = `reason ${JSON.stringify(reason)}, severity ${JSON.stringify(
    event.severity ?? null,
  )}`;
  if (event.severity === 'error')
    return `${describe}: an error event never promotes`;
  if (allowed.includes(reason)) return undefined;
  if (
    appKind === 'HelmRelease' &&
    reason === 'info' &&
    LEGACY_HELM_READY_MESSAGE.test(event.message ?? '')
  )
    return undefined;
  return `${describe}: only ${allowed.join(', ')} mean${
    allowed.length === 1 ? 's' : ''
  } the ${appKind} is ready at a revision`;
}

const DIGEST = /^(sha1|sha256|sha384|sha512|blake3):([0-9a-f]+)$/;

/**
 * The version a Flux revision stands for, as the ledger, the pull request and the marker see it.
 *
 * - HelmRelease: the chart version. A trailing `@<algorithm>:<hex>` digest is dropped
 *   (`6.1.0@sha256:…` → `6.1.0`), and so is the `+<12 hex>` build metadata helm-controller adds
 *   for an OCIRepository chart when it is the prefix of the event's `oci-digest`
 *   (`6.1.0+0123456789ab` → `6.1.0`); other build metadata is part of the chart's version.
 * - Kustomization (and anything else): the revision as Flux reports it, e.g.
 *   `main@sha1:<hex>` or `v1.2.3@sha256:<hex>`: never cut down to the branch or the tag, so two
 *   commits are two versions (and the level trigger, which reads `status.lastAppliedRevision`,
 *   sees the same strings).
 */
export function versionFromRevision(
  revision: string,
  appKind: string,
  metadata: Record<string, unknown> = {},
): string {
  // Never trimmed: Flux writes no whitespace, so a revision with any is refused as it came
  // (the engine's parseVersion), not quietly turned into another version.
  if (appKind !== 'HelmRelease') return revision;
  let version = revision;
  const at = version.lastIndexOf('@');
  if (at > 0 && DIGEST.test(version.slice(at + 1)))
    version = version.slice(0, at);
  const ociDigest =
    metadata['oci-digest'] ?? metadata['helm.toolkit.fluxcd.io/oci-digest'];
  const digest =
    typeof ociDigest === 'string' ? DIGEST.exec(ociDigest.trim()) : null;
  const plus = version.lastIndexOf('+');
  if (digest && plus > 0 && version.slice(plus + 1) === digest[2].slice(0, 12))
    version = version.slice(0, plus);
  return version;
}

/**
 * Parses a webhook body as a Flux event.
 * @throws InputError (400) naming what is wrong: not JSON, or which fields are missing.
 */
export function parseFluxEvent(raw: Buffer): FluxEvent {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InputError('The body is not JSON');
  }
  const event = fluxEventSchema.safeParse(json);
  if (!event.success) {
    throw new InputError(
      `Not a Flux event: ${event.error.issues
        .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return event.data;
}
