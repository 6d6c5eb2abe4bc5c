import type { TargetState } from '@gitops-pipelines/plugin-pipelines-common';
import {
  formatValidationIssue,
  validatePipeline,
} from '@gitops-pipelines/plugin-pipelines-common';
import fc from 'fast-check';
import { buildPipelineDetail } from '../cache/buildPipelineDetail';

/**
 * Property test: generated Pipeline objects — whole random JSON, and valid Pipelines with
 * one to three fields replaced by random values or removed — through the validator and the
 * status model. Never a throw; every invalid one gets Ready=False/InvalidSpec naming each
 * issue's path; every valid one gets its environments.
 */
const RUNS = 1000;

const valid = () => ({
  apiVersion: 'pipelines.weave.works/v1alpha1',
  kind: 'Pipeline',
  metadata: {
    name: 'p',
    namespace: 'flux-system',
    generation: 2,
    annotations: { 'pipelines.weave.works/required-approvals': 'prod=2' },
  },
  spec: {
    appRef: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      name: 'podinfo',
    },
    environments: [
      {
        name: 'dev',
        targets: [
          {
            namespace: 'podinfo-dev',
            clusterRef: {
              kind: 'GitopsCluster',
              name: 'dev',
              namespace: 'flux-system',
            },
          },
        ],
      },
      {
        name: 'prod',
        targets: [{ namespace: 'podinfo-prod' }],
        promotion: { manual: true, strategy: { notification: {} } },
      },
    ],
    promotion: {
      strategy: {
        'pull-request': {
          type: 'github',
          url: 'https://github.com/o/r',
          baseBranch: 'main',
          secretRef: { name: 'creds' },
        },
        secretRef: { name: 'hmac' },
      },
    },
  },
});

const PATHS = [
  ['apiVersion'],
  ['kind'],
  ['metadata'],
  ['metadata', 'name'],
  ['metadata', 'namespace'],
  ['metadata', 'annotations'],
  ['metadata', 'annotations', 'pipelines.weave.works/required-approvals'],
  ['spec'],
  ['spec', 'appRef'],
  ['spec', 'appRef', 'kind'],
  ['spec', 'appRef', 'apiVersion'],
  ['spec', 'appRef', 'name'],
  ['spec', 'environments'],
  ['spec', 'environments', 0],
  ['spec', 'environments', 1, 'name'],
  ['spec', 'environments', 0, 'targets'],
  ['spec', 'environments', 0, 'targets', 0, 'namespace'],
  ['spec', 'environments', 0, 'targets', 0, 'clusterRef'],
  ['spec', 'environments', 0, 'targets', 0, 'clusterRef', 'kind'],
  ['spec', 'environments', 1, 'promotion'],
  ['spec', 'environments', 1, 'promotion', 'strategy'],
  ['spec', 'promotion', 'strategy', 'pull-request'],
  ['spec', 'promotion', 'strategy', 'pull-request', 'type'],
  ['spec', 'promotion', 'strategy', 'pull-request', 'url'],
  ['spec', 'promotion', 'strategy', 'secretRef', 'name'],
];

function mutate(
  doc: any,
  path: Array<string | number>,
  value: unknown,
  remove: boolean,
) {
  let node = doc;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return doc;
    node = node[key];
  }
  if (node === null || typeof node !== 'object') return doc;
  const last = path[path.length - 1];
  if (remove) delete node[last];
  else node[last] = value;
  return doc;
}

const edit = fc.record({
  path: fc.constantFrom(...PATHS),
  value: fc.oneof(
    fc.jsonValue(),
    fc.string(),
    fc.constantFrom(
      '',
      'UPPER',
      'a'.repeat(300),
      'prod=0',
      'x=1',
      null,
      -1,
      [],
      {},
    ),
  ),
  remove: fc.boolean(),
});
const pipelines = fc.oneof(
  { weight: 1, arbitrary: fc.jsonValue() },
  {
    weight: 4,
    arbitrary: fc
      .array(edit, { minLength: 1, maxLength: 3 })
      .map(edits =>
        edits.reduce(
          (doc, e) => mutate(doc, e.path, e.value, e.remove),
          valid() as any,
        ),
      ),
  },
);

const resolve = (): TargetState => ({
  cluster: 'flux-system/dev',
  namespace: 'ns',
  health: 'ready',
  appFound: true,
  version: '1.0.0',
});

describe('Pipeline fuzzing', () => {
  it(`validates and models ${RUNS} generated Pipelines without a throw, with a precise message for every invalid one`, () => {
    let invalid = 0;
    fc.assert(
      fc.property(pipelines, raw => {
        const result = validatePipeline(raw);
        const detail = buildPipelineDetail(
          { cluster: 'management', namespace: 'flux-system', name: 'p' },
          raw,
          resolve,
        );
        if (result.valid) {
          // Valid: no validation errors, one state per environment.
          return (
            detail.validationErrors.length === 0 &&
            detail.environments.length ===
              result.pipeline.spec.environments.length
          );
        }
        invalid++;
        expect(result.issues.length).toBeGreaterThan(0);
        const ready = detail.conditions.find(c => c.type === 'Ready');
        expect(ready).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
        for (const issue of result.issues) {
          expect(issue.message).not.toBe('');
          expect(ready!.message).toContain(formatValidationIssue(issue));
        }
        return true;
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261130) },
    );
    process.stdout.write(
      `Pipeline fuzzing: ${RUNS} generated Pipelines, ${invalid} invalid, all with precise messages\n`,
    );
    expect(invalid).toBeGreaterThan(RUNS / 4);
  });
});
