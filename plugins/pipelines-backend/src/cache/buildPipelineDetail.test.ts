import type { TargetState } from '@gitops-pipelines/plugin-pipelines-common';
import {
  buildPipelineDetail,
  countVersions,
  readyCondition,
} from './buildPipelineDetail';

const key = { cluster: 'management', namespace: 'flux-system', name: 'p' };
const target = (
  health: TargetState['health'],
  version?: string,
  message?: string,
): TargetState => ({
  cluster: 'flux-system/dev',
  namespace: 'ns',
  health,
  appFound: health === 'ready',
  version,
  message,
});

const valid = {
  apiVersion: 'pipelines.weave.works/v1alpha1',
  kind: 'Pipeline',
  metadata: { name: 'p', namespace: 'flux-system', generation: 3 },
  spec: {
    appRef: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
      kind: 'HelmRelease',
      name: 'app',
    },
    environments: [
      { name: 'dev', targets: [{ namespace: 'a' }, { namespace: 'b' }] },
      {
        name: 'prod',
        targets: [{ namespace: 'c' }],
        promotion: { manual: true, strategy: { notification: {} } },
      },
    ],
    promotion: {
      strategy: {
        'pull-request': {
          type: 'gitlab',
          url: 'https://gitlab.example/g/r',
          baseBranch: 'main',
          secretRef: { name: 's' },
        },
        secretRef: { name: 'hmac' },
      },
    },
  },
};

describe('buildPipelineDetail', () => {
  it('resolves every target and summarizes environments and strategies', () => {
    const versions: Record<string, string> = {
      a: '2.0.0',
      b: '1.0.0',
      c: '1.0.0',
    };
    const d = buildPipelineDetail(key, valid, (_p, t) =>
      target('ready', versions[t.namespace]),
    );
    expect(d.environments.map(e => e.versions)).toEqual([
      [
        { version: '2.0.0', count: 1 },
        { version: '1.0.0', count: 1 },
      ],
      [{ version: '1.0.0', count: 1 }],
    ]);
    expect(d.environments[0].promotion).toEqual({
      kind: 'pull-request',
      manual: false,
      hmac: true,
      pullRequest: {
        type: 'gitlab',
        url: 'https://gitlab.example/g/r',
        baseBranch: 'main',
      },
    });
    expect(d.environments[1].promotion).toEqual({
      kind: 'notification',
      manual: true,
      hmac: false,
    });
    expect(d.conditions).toMatchObject([
      {
        type: 'Ready',
        status: 'True',
        reason: 'ReconciliationSucceeded',
        observedGeneration: 3,
      },
    ]);
  });

  it("carries the Pipeline's pipelines.weave.works annotations, so that changing one is a change of state", () => {
    const annotated = {
      ...valid,
      metadata: {
        ...valid.metadata,
        annotations: {
          'pipelines.weave.works/level-trigger': 'true',
          'pipelines.weave.works/required-approvals': 'prod=2',
          'kubectl.kubernetes.io/last-applied-configuration': '{}',
        },
      },
    };
    const resolve = () => target('ready', '1.0.0');
    const detail = buildPipelineDetail(key, annotated, resolve);
    expect(detail.annotations).toEqual({
      'pipelines.weave.works/level-trigger': 'true',
      'pipelines.weave.works/required-approvals': 'prod=2',
    });
    expect(
      buildPipelineDetail(key, valid, resolve).annotations,
    ).toBeUndefined();
  });

  it('reports an invalid spec with every issue, in validationErrors and the Ready condition', () => {
    const invalid = {
      ...valid,
      spec: {
        ...valid.spec,
        environments: [
          { name: 'dev', targets: [] },
          { name: 'dev', targets: [{}] },
        ],
      },
    };
    const d = buildPipelineDetail(key, invalid, () => {
      throw new Error('must not resolve targets of an invalid pipeline');
    });
    expect(d.environments).toEqual([]);
    expect(d.validationErrors.map(i => i.path)).toEqual([
      'spec.environments[0].targets',
      'spec.environments[1].name',
      'spec.environments[1].targets[0].namespace',
    ]);
    expect(d.conditions[0]).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
    });
    expect(d.conditions[0].message).toBe(
      'Invalid spec: spec.environments[0].targets: must list at least one target; spec.environments[1].name: duplicate environment name "dev" (also spec.environments[0].name); spec.environments[1].targets[0].namespace: required',
    );
  });
});

describe('readyCondition', () => {
  const envs = (health: TargetState['health']) => [
    {
      name: 'prod',
      targets: [target(health, undefined, 'boom')],
      versions: [],
      promotion: { kind: 'none' as const, manual: false, hmac: false },
    },
  ];

  it('prefers TargetClusterNotFound, then TargetClusterNotReady, naming the targets', () => {
    expect(
      readyCondition(envs('cluster-not-found'), 1, undefined),
    ).toMatchObject({
      status: 'False',
      reason: 'TargetClusterNotFound',
      message: 'Target cluster not found: prod: flux-system/dev/ns (boom)',
    });
    expect(
      readyCondition(envs('cluster-not-ready'), 1, undefined),
    ).toMatchObject({ status: 'False', reason: 'TargetClusterNotReady' });
    expect(readyCondition(envs('not-ready'), 1, undefined)).toMatchObject({
      status: 'True',
      reason: 'ReconciliationSucceeded',
    });
  });

  it('keeps lastTransitionTime while the status does not change', () => {
    const first = readyCondition(envs('ready'), 1, undefined);
    const previous = { ...first, lastTransitionTime: '2020-01-01T00:00:00Z' };
    expect(readyCondition(envs('ready'), 2, previous).lastTransitionTime).toBe(
      '2020-01-01T00:00:00Z',
    );
    expect(
      readyCondition(envs('cluster-not-ready'), 2, previous).lastTransitionTime,
    ).not.toBe('2020-01-01T00:00:00Z');
  });
});

describe('countVersions', () => {
  it('orders by count', () => {
    expect(
      countVersions([
        target('ready', '1'),
        target('ready', '2'),
        target('ready', '2'),
        target('unknown'),
      ]),
    ).toEqual([
      { version: '2', count: 2 },
      { version: '1', count: 1 },
    ]);
  });
});
