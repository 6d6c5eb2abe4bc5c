import { appState, slimFluxApp, snapshotVersion } from './appStatus';

const ready = (status: string, message = 'm', reason = 'R') => ({
  type: 'Ready',
  status: status as any,
  reason,
  message,
  lastTransitionTime: '2026-11-25T10:00:00Z',
});
const released = (status: string) => ({
  type: 'Released',
  status: status as any,
  reason: status === 'True' ? 'UpgradeSucceeded' : 'UpgradeFailed',
  message: 'm',
});

/** Status objects as the controllers write them, one table per API version. */
describe('appState', () => {
  describe('HelmRelease helm.toolkit.fluxcd.io/v2beta1', () => {
    it.each([
      [
        'ready at the applied revision',
        {
          metadata: { generation: 2 },
          spec: { chart: { spec: { version: '6.0.1' } } },
          status: {
            observedGeneration: 2,
            lastAppliedRevision: '6.0.0',
            lastAttemptedRevision: '6.0.0',
            conditions: [
              ready(
                'True',
                'Release reconciliation succeeded',
                'ReconciliationSucceeded',
              ),
            ],
          },
        },
        {
          health: 'ready',
          version: '6.0.0',
          message: 'Release reconciliation succeeded',
        },
      ],
      [
        'failing at the attempted revision, still running the applied one',
        {
          status: {
            lastAppliedRevision: '6.0.1',
            lastAttemptedRevision: '6.2.0',
            conditions: [
              ready('False', 'Helm upgrade failed: timed out', 'UpgradeFailed'),
            ],
          },
        },
        {
          health: 'not-ready',
          version: '6.0.1',
          attemptedVersion: '6.2.0',
          message: 'Helm upgrade failed: timed out',
        },
      ],
      [
        'progressing while the controller has not observed the new spec',
        {
          metadata: { generation: 3 },
          status: {
            observedGeneration: 2,
            lastAppliedRevision: '6.0.0',
            conditions: [ready('True')],
          },
        },
        { health: 'progressing', version: '6.0.0' },
      ],
      [
        'unknown without status, with the spec chart version',
        { spec: { chart: { spec: { version: '1.2.3' } } } },
        { health: 'unknown', version: '1.2.3' },
      ],
    ])('%s', (_name, app, expected) =>
      expect(appState(app as any)).toMatchObject(expected),
    );
  });

  describe('HelmRelease helm.toolkit.fluxcd.io/v2beta2 and v2 (status.history)', () => {
    it.each([
      [
        'a v2 release from spec.chartRef with only history: its version, the OCI digest suffix dropped',
        {
          metadata: { generation: 1 },
          spec: { chartRef: { kind: 'OCIRepository', name: 'podinfo' } },
          status: {
            observedGeneration: 1,
            lastAttemptedRevision: '6.6.1+0cc9a8446c95',
            history: [
              {
                version: 1,
                status: 'deployed',
                chartName: 'podinfo',
                chartVersion: '6.6.1+0cc9a8446c95',
                ociDigest:
                  'sha256:0cc9a8446c95009ef382f5eef579433a9d2c7f5eb8ea7d5f6bb2d0e7e4c0c1aa',
              },
            ],
            conditions: [
              ready(
                'True',
                'Helm install succeeded for release podinfo/podinfo.v1 with chart podinfo@6.6.1+0cc9a8446c95',
                'InstallSucceeded',
              ),
              released('True'),
            ],
          },
        },
        { health: 'ready', version: '6.6.1' },
      ],
      [
        'a chart version with build metadata that is not the digest keeps it',
        {
          status: {
            history: [
              { version: 1, status: 'deployed', chartVersion: '6.6.1+build.7' },
            ],
            conditions: [ready('True')],
          },
        },
        { health: 'ready', version: '6.6.1+build.7' },
      ],
      [
        'a failed upgrade: the latest deployed release is what runs, the failed one is attempted',
        {
          spec: { chart: { spec: { version: '6.2.0' } } },
          status: {
            lastAttemptedRevision: '6.2.0',
            history: [
              { version: 4, status: 'failed', chartVersion: '6.2.0' },
              { version: 3, status: 'deployed', chartVersion: '6.1.0' },
              { version: 2, status: 'superseded', chartVersion: '6.0.1' },
            ],
            conditions: [
              ready(
                'False',
                'Helm upgrade failed for release podinfo/podinfo with chart podinfo@6.2.0: timed out',
                'UpgradeFailed',
              ),
              released('False'),
            ],
          },
        },
        { health: 'not-ready', version: '6.1.0', attemptedVersion: '6.2.0' },
      ],
      [
        'history out of order: the highest release version wins',
        {
          status: {
            history: [
              { version: 2, status: 'superseded', chartVersion: '1.0.0' },
              { version: 5, status: 'deployed', chartVersion: '1.2.0' },
            ],
            conditions: [ready('True')],
          },
        },
        { version: '1.2.0' },
      ],
      [
        'suspended, whatever its conditions say',
        {
          spec: { suspend: true },
          status: {
            history: [
              { version: 1, status: 'deployed', chartVersion: '6.0.0' },
            ],
            conditions: [ready('True')],
          },
        },
        {
          health: 'suspended',
          version: '6.0.0',
          message: 'Reconciliation is suspended',
        },
      ],
    ])('%s', (_name, app, expected) =>
      expect(appState(app as any)).toMatchObject(expected),
    );
  });

  describe('Kustomization kustomize.toolkit.fluxcd.io/v1', () => {
    it.each([
      [
        'ready at a Git revision, kept whole',
        {
          status: {
            lastAppliedRevision:
              'main@sha1:5f4c8a1e0b3b7f2d9c6e1a0f4b8d2c7e9a3f1b6d',
            lastAttemptedRevision:
              'main@sha1:5f4c8a1e0b3b7f2d9c6e1a0f4b8d2c7e9a3f1b6d',
            conditions: [
              ready(
                'True',
                'Applied revision: main@sha1:5f4c8a1e',
                'ReconciliationSucceeded',
              ),
            ],
          },
        },
        {
          health: 'ready',
          version: 'main@sha1:5f4c8a1e0b3b7f2d9c6e1a0f4b8d2c7e9a3f1b6d',
        },
      ],
      [
        'failing a health check at a newer revision',
        {
          status: {
            lastAppliedRevision: 'main@sha1:aaaa',
            lastAttemptedRevision: 'main@sha1:bbbb',
            conditions: [
              ready(
                'False',
                'health check failed after 2m',
                'HealthCheckFailed',
              ),
            ],
          },
        },
        {
          health: 'not-ready',
          version: 'main@sha1:aaaa',
          attemptedVersion: 'main@sha1:bbbb',
          message: 'health check failed after 2m',
        },
      ],
      [
        'reconciling (Ready Unknown)',
        {
          status: {
            lastAppliedRevision: 'v1.0.0@sha256:cc',
            conditions: [
              ready('Unknown', 'Reconciliation in progress', 'Progressing'),
            ],
          },
        },
        { health: 'progressing', version: 'v1.0.0@sha256:cc' },
      ],
    ])('%s', (_name, app, expected) =>
      expect(appState(app as any)).toMatchObject(expected),
    );
  });
});

describe('snapshotVersion', () => {
  it('drops only the digest suffix helm-controller adds for OCI charts', () => {
    expect(
      snapshotVersion({
        chartVersion: '1.0.0+abcdef012345',
        ociDigest: 'sha256:abcdef0123456789',
      }),
    ).toBe('1.0.0');
    expect(
      snapshotVersion({
        chartVersion: '1.0.0+abcdef012345',
        ociDigest: 'sha256:ffff',
      }),
    ).toBe('1.0.0+abcdef012345');
    expect(snapshotVersion({ chartVersion: '1.0.0' })).toBe('1.0.0');
  });
});

describe('slimFluxApp', () => {
  const helmRelease = () => ({
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: {
      name: 'podinfo',
      namespace: 'apps',
      uid: 'u1',
      resourceVersion: '42',
      generation: 3,
      labels: { a: 'b' },
      annotations: { 'reconcile.fluxcd.io/requestedAt': 'now' },
    },
    spec: {
      interval: '5m',
      suspend: false,
      chart: {
        spec: {
          chart: 'podinfo',
          version: '6.x',
          sourceRef: { kind: 'HelmRepository', name: 'podinfo' },
        },
      },
      values: { replicaCount: 2, big: 'x'.repeat(10_000) },
    },
    status: {
      observedGeneration: 3,
      lastAttemptedRevision: '6.6.1',
      lastAttemptedConfigDigest: 'sha256:abc',
      history: [
        {
          version: 2,
          status: 'deployed',
          chartName: 'podinfo',
          chartVersion: '6.6.1',
          appVersion: '6.6.1',
          configDigest: 'sha256:1',
          digest: 'sha256:2',
          firstDeployed: 't',
          lastDeployed: 't',
          name: 'podinfo',
          namespace: 'apps',
        },
        {
          version: 1,
          status: 'superseded',
          chartName: 'podinfo',
          chartVersion: '6.6.0',
          appVersion: '6.6.0',
          configDigest: 'sha256:3',
          digest: 'sha256:4',
          firstDeployed: 't',
          lastDeployed: 't',
          name: 'podinfo',
          namespace: 'apps',
        },
      ],
      conditions: [
        ready(
          'True',
          'Helm upgrade succeeded for release apps/podinfo.v2 with chart podinfo@6.6.1',
          'UpgradeSucceeded',
        ),
        released('True'),
      ],
    },
  });
  const kustomization = () => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: {
      name: 'apps',
      namespace: 'flux-system',
      uid: 'u2',
      resourceVersion: '7',
      generation: 1,
    },
    spec: {
      interval: '10m',
      path: './apps',
      prune: true,
      suspend: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
    },
    status: {
      observedGeneration: 1,
      lastAppliedRevision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
      inventory: {
        entries: Array.from({ length: 200 }, (_, i) => ({
          id: `apps_d${i}_apps_Deployment`,
          v: 'v1',
        })),
      },
      conditions: [
        ready(
          'True',
          'Applied revision: main@sha1:0123456789abcdef0123456789abcdef01234567',
          'ReconciliationSucceeded',
        ),
      ],
    },
  });

  it.each([
    ['a HelmRelease v2 with values and history', helmRelease],
    ['a suspended Kustomization with its inventory', kustomization],
  ])(
    'keeps what the status model reads of %s, and drops the rest',
    (_name, make) => {
      const full = make();
      const slim: any = make();
      slimFluxApp(slim);
      expect(appState(slim)).toEqual(appState(full as any));
      expect(JSON.stringify(slim).length).toBeLessThan(
        JSON.stringify(full).length / 4,
      );
      expect(slim.metadata).toEqual({
        name: full.metadata.name,
        namespace: full.metadata.namespace,
        uid: full.metadata.uid,
        resourceVersion: full.metadata.resourceVersion,
        generation: full.metadata.generation,
      });
      expect(JSON.stringify(slim)).not.toMatch(
        /values|inventory|configDigest|interval/,
      );
    },
  );
});
