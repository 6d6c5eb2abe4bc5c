import type {
  Environment,
  LocalAppReference,
} from '@gitops-pipelines/plugin-pipelines-common';
import {
  apiGroup,
  eventMismatch,
  FluxEvent,
  notReadyReason,
  versionFromRevision,
} from './fluxEvents';

const helm: LocalAppReference = {
  apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
  kind: 'HelmRelease',
  name: 'podinfo',
};
const dev: Environment = {
  name: 'dev',
  targets: [{ namespace: 'podinfo-dev' }, { namespace: 'podinfo-dev-2' }],
};
const event = (
  involvedObject: FluxEvent['involvedObject'],
  extra: Partial<FluxEvent> = {},
): FluxEvent => ({
  involvedObject,
  metadata: { revision: '6.1.0' },
  severity: 'info',
  reason: 'UpgradeSucceeded',
  ...extra,
});

describe('eventMismatch', () => {
  it('accepts the app, in any version of its API group, in any target namespace of the environment', () => {
    for (const apiVersion of [
      'helm.toolkit.fluxcd.io/v2',
      'helm.toolkit.fluxcd.io/v2beta1',
      'helm.toolkit.fluxcd.io/v2beta2',
      undefined,
    ]) {
      for (const namespace of ['podinfo-dev', 'podinfo-dev-2']) {
        expect(
          eventMismatch(
            event({
              apiVersion,
              kind: 'HelmRelease',
              name: 'podinfo',
              namespace,
            }),
            helm,
            dev,
          ),
        ).toBeUndefined();
      }
    }
  });

  it.each([
    [
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        name: 'podinfo',
        namespace: 'podinfo-dev',
      },
      /kind is "Kustomization", not "HelmRelease"; apiVersion "kustomize.toolkit.fluxcd.io\/v1" is not in the group "helm.toolkit.fluxcd.io"/,
    ],
    [
      {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        name: 'other',
        namespace: 'podinfo-dev',
      },
      /name is "other", not "podinfo"/,
    ],
    [
      {
        apiVersion: 'example.com/v2',
        kind: 'HelmRelease',
        name: 'podinfo',
        namespace: 'podinfo-dev',
      },
      /apiVersion "example.com\/v2" is not in the group/,
    ],
    [
      {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        name: 'podinfo',
        namespace: 'podinfo-test',
      },
      /namespace is "podinfo-test", not a target namespace of environment "dev" \(podinfo-dev, podinfo-dev-2\)/,
    ],
    [{ kind: 'HelmRelease', name: 'podinfo' }, /namespace is null/],
    [{}, /kind is null.*name is null.*namespace is null/],
    [undefined, /^the event has no involvedObject$/],
  ])('refuses %j', (obj, message) => {
    expect(eventMismatch(event(obj), helm, dev)).toMatch(message);
  });

  it('names the app and the environment', () => {
    expect(
      eventMismatch(
        event({ kind: 'HelmRelease', name: 'x', namespace: 'podinfo-dev' }),
        helm,
        dev,
      ),
    ).toMatch(
      /^The event's involvedObject is not the pipeline's HelmRelease "podinfo" in environment "dev": /,
    );
  });

  it('apiGroup', () => {
    expect(apiGroup('helm.toolkit.fluxcd.io/v2')).toBe(
      'helm.toolkit.fluxcd.io',
    );
    expect(apiGroup('v1')).toBe('');
  });
});

describe('notReadyReason', () => {
  it.each([
    ['HelmRelease', 'InstallSucceeded'],
    ['HelmRelease', 'UpgradeSucceeded'],
    ['HelmRelease', 'TestSucceeded'],
    ['Kustomization', 'ReconciliationSucceeded'],
  ])('%s %s promotes', (kind, reason) => {
    expect(
      notReadyReason(event({}, { reason, severity: 'info' }), kind),
    ).toBeUndefined();
  });

  it.each([
    // helm-controller v2: failures, remediation, uninstall, tests, drift, progress
    ['HelmRelease', 'UpgradeFailed', 'error'],
    ['HelmRelease', 'InstallFailed', 'error'],
    ['HelmRelease', 'TestFailed', 'error'],
    ['HelmRelease', 'RollbackFailed', 'error'],
    ['HelmRelease', 'UninstallFailed', 'error'],
    ['HelmRelease', 'ArtifactFailed', 'error'],
    ['HelmRelease', 'InitFailed', 'error'],
    ['HelmRelease', 'GetLastReleaseFailed', 'error'],
    ['HelmRelease', 'ReconciliationFailed', 'error'],
    ['HelmRelease', 'DriftDetected', 'error'],
    ['HelmRelease', 'RollbackSucceeded', 'info'],
    ['HelmRelease', 'UninstallSucceeded', 'info'],
    ['HelmRelease', 'DependencyNotReady', 'info'],
    ['HelmRelease', 'DriftCorrected', 'info'],
    ['HelmRelease', 'HealthCheckCanceled', 'info'],
    ['HelmRelease', 'PendingRelease', 'info'],
    ['HelmRelease', 'Progressing', 'info'],
    ['HelmRelease', 'ReconciliationSucceeded', 'info'],
    // an allowed reason with severity error is still an error
    ['HelmRelease', 'UpgradeSucceeded', 'error'],
    // kustomize-controller
    ['Kustomization', 'ReconciliationFailed', 'error'],
    ['Kustomization', 'HealthCheckFailed', 'error'],
    ['Kustomization', 'ArtifactFailed', 'error'],
    ['Kustomization', 'BuildFailed', 'error'],
    ['Kustomization', 'PruneFailed', 'error'],
    ['Kustomization', 'Progressing', 'info'],
    ['Kustomization', 'ProgressingWithRetry', 'info'],
    ['Kustomization', 'DependencyNotReady', 'info'],
    ['Kustomization', 'HealthCheckCanceled', 'info'],
    ['Kustomization', 'UpgradeSucceeded', 'info'],
    ['Kustomization', 'info', 'info'],
    ['HelmRelease', '', 'info'],
  ])('%s %s (%s) is ignored', (kind, reason, severity) => {
    expect(notReadyReason(event({}, { reason, severity }), kind)).toMatch(
      /^reason ".*", severity ".*": /,
    );
  });

  it('says why', () => {
    expect(
      notReadyReason(
        event({}, { reason: 'UpgradeFailed', severity: 'error' }),
        'HelmRelease',
      ),
    ).toBe(
      'reason "UpgradeFailed", severity "error": an error event never promotes',
    );
    expect(
      notReadyReason(
        event({}, { reason: 'RollbackSucceeded', severity: 'info' }),
        'HelmRelease',
      ),
    ).toBe(
      'reason "RollbackSucceeded", severity "info": only InstallSucceeded, UpgradeSucceeded, TestSucceeded mean the HelmRelease is ready at a revision',
    );
  });

  it('understands helm-controller before v0.37 (reason = severity) by its success messages only', () => {
    const legacy = (message: string, severity = 'info') =>
      notReadyReason(
        event({}, { reason: severity, severity, message }),
        'HelmRelease',
      );
    expect(legacy('Helm upgrade succeeded')).toBeUndefined();
    expect(legacy('Helm install succeeded')).toBeUndefined();
    expect(legacy('Helm test succeeded')).toBeUndefined();
    expect(legacy('Helm rollback succeeded')).toBeDefined();
    expect(legacy('Helm uninstall succeeded')).toBeDefined();
    expect(legacy('Helm upgrade has started')).toBeDefined();
    expect(legacy('Helm upgrade failed: boom', 'error')).toBeDefined();
    expect(
      notReadyReason(
        event({}, { reason: 'info', message: 'Helm upgrade succeeded' }),
        'Kustomization',
      ),
    ).toBeDefined();
  });
});

describe('versionFromRevision', () => {
  const sha256 = `sha256:${'0123456789abcdef'.repeat(4)}`;
  it.each([
    ['HelmRelease', '6.1.0', {}, '6.1.0'],
    // never trimmed: whitespace is the engine's parseVersion's to refuse, not to drop
    ['HelmRelease', ' 6.1.0 ', {}, ' 6.1.0 '],
    ['HelmRelease', '1.3.0\n', {}, '1.3.0\n'],
    ['Kustomization', 'main@sha1:abc\n', {}, 'main@sha1:abc\n'],
    ['HelmRelease', `6.1.0@${sha256}`, {}, '6.1.0'],
    // helm-controller v2 with an OCIRepository chart: the digest's first 12 hex digits as build metadata
    ['HelmRelease', '6.1.0+0123456789ab', { 'oci-digest': sha256 }, '6.1.0'],
    [
      'HelmRelease',
      '6.1.0+0123456789ab',
      { 'helm.toolkit.fluxcd.io/oci-digest': sha256 },
      '6.1.0',
    ],
    // build metadata that is not the digest is the chart's own
    ['HelmRelease', '6.1.0+build.7', { 'oci-digest': sha256 }, '6.1.0+build.7'],
    ['HelmRelease', '6.1.0+0123456789ab', {}, '6.1.0+0123456789ab'],
    ['HelmRelease', '6.1.0@not-a-digest', {}, '6.1.0@not-a-digest'],
    // Git and OCI revisions keep their identity
    [
      'Kustomization',
      'main@sha1:0123456789abcdef0123456789abcdef01234567',
      {},
      'main@sha1:0123456789abcdef0123456789abcdef01234567',
    ],
    ['Kustomization', `v1.2.3@${sha256}`, {}, `v1.2.3@${sha256}`],
    [
      'Kustomization',
      'sha1:0123456789abcdef0123456789abcdef01234567',
      {},
      'sha1:0123456789abcdef0123456789abcdef01234567',
    ],
    [
      'Kustomization',
      'refs/heads/main@sha1:abc',
      {},
      'refs/heads/main@sha1:abc',
    ],
    ['Kustomization', 'main/0123456789abcdef', {}, 'main/0123456789abcdef'],
  ])('%s %s (%j) → %s', (kind, revision, metadata, version) => {
    expect(versionFromRevision(revision, kind, metadata)).toBe(version);
  });

  it('two commits of a branch are two versions', () => {
    expect(versionFromRevision('main@sha1:aaaa', 'Kustomization')).not.toBe(
      versionFromRevision('main@sha1:bbbb', 'Kustomization'),
    );
  });
});
