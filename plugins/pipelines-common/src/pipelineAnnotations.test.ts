import {
  parseRequiredApprovals,
  requiredApprovalsFor,
  validatePipelineAnnotations,
} from './pipelineAnnotations';
import { validatePipeline } from './validation';

describe('required approvals', () => {
  it('parses env=N lists and reports what it cannot read', () => {
    expect(parseRequiredApprovals('prod=2, test=1')).toEqual({
      approvals: { prod: 2, test: 1 },
      errors: [],
    });
    expect(parseRequiredApprovals('prod=0,qa,x=99,prod=3').errors).toEqual([
      '"prod=0" is not environment=N with N from 1 to 10',
      '"qa" is not environment=N with N from 1 to 10',
      '"x=99" is not environment=N with N from 1 to 10',
    ]);
  });

  it('falls back to the default for environments not named', () => {
    const annotations = {
      'pipelines.weave.works/required-approvals': 'prod=2',
    };
    expect(requiredApprovalsFor(annotations, 'prod', 1)).toBe(2);
    expect(requiredApprovalsFor(annotations, 'test', 1)).toBe(1);
    expect(requiredApprovalsFor(undefined, 'prod', 3)).toBe(3);
  });

  it('makes a Pipeline with a bad value invalid, naming the annotation', () => {
    expect(
      validatePipelineAnnotations(
        { 'pipelines.weave.works/required-approvals': 'staging=2' },
        ['dev', 'prod'],
      ),
    ).toEqual([
      {
        path: 'metadata.annotations["pipelines.weave.works/required-approvals"]',
        message: '"staging" is not an environment of this pipeline (dev, prod)',
      },
    ]);
    const pipeline = {
      apiVersion: 'pipelines.weave.works/v1alpha1',
      kind: 'Pipeline',
      metadata: {
        name: 'p',
        namespace: 'flux-system',
        annotations: { 'pipelines.weave.works/required-approvals': 'prod=two' },
      },
      spec: {
        appRef: {
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          name: 'podinfo',
        },
        environments: [
          { name: 'dev', targets: [{ namespace: 'a' }] },
          { name: 'prod', targets: [{ namespace: 'b' }] },
        ],
        promotion: { manual: true, strategy: { notification: {} } },
      },
    };
    const result = validatePipeline(pipeline);
    expect(result.valid).toBe(false);
    expect(result.issues).toEqual([
      {
        path: 'metadata.annotations["pipelines.weave.works/required-approvals"]',
        message: '"prod=two" is not environment=N with N from 1 to 10',
      },
    ]);
  });
});
