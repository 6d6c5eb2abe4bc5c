import {
  CONDITION_READY,
  ConditionReasons,
} from '@gitops-pipelines/plugin-pipelines-common';
import { testForges } from '../__testUtils__/testForges';
import { buildPipelineDetail } from '../cache/buildPipelineDetail';
import { validationCache, withSpecCheck } from '../cache/validationCache';
import { pullRequestUrlIssues } from './forgeSpecCheck';

const forges = testForges({ allowedHosts: ['http://127.0.0.1:6480'] });

const pipeline = (urls: { pipeline?: string; prod?: string }) => ({
  apiVersion: 'pipelines.weave.works/v1alpha1',
  kind: 'Pipeline',
  metadata: { name: 'app', namespace: 'team-a', generation: 1, uid: 'u' },
  spec: {
    appRef: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
      kind: 'HelmRelease',
      name: 'app',
    },
    environments: [
      { name: 'dev', targets: [{ namespace: 'app-dev' }] },
      {
        name: 'prod',
        targets: [{ namespace: 'app-prod' }],
        ...(urls.prod
          ? {
              promotion: {
                strategy: {
                  'pull-request': {
                    type: 'gitlab',
                    url: urls.prod,
                    baseBranch: 'main',
                    secretRef: { name: 'bot' },
                  },
                },
              },
            }
          : {}),
      },
    ],
    ...(urls.pipeline
      ? {
          promotion: {
            strategy: {
              'pull-request': {
                type: 'github',
                url: urls.pipeline,
                baseBranch: 'main',
                secretRef: { name: 'bot' },
              },
            },
          },
        }
      : {}),
  },
});

const detail = (raw: unknown) =>
  buildPipelineDetail(
    { cluster: 'management', namespace: 'team-a', name: 'app' },
    raw,
    () => ({} as any),
    undefined,
    validationCache(withSpecCheck(pullRequestUrlIssues(forges))),
  );

describe('pull-request urls in the Pipeline validation', () => {
  it('makes a Pipeline whose pull-request url is on no known forge InvalidSpec, saying what to do', () => {
    const d = detail(
      pipeline({
        pipeline: 'https://evil.example/o/r',
        prod: 'http://127.0.0.1:9/o/r',
      }),
    );
    expect(d.validationErrors).toEqual([
      {
        path: 'spec.promotion.strategy.pull-request.url',
        message:
          'The pull-request url host evil.example is not a known forge; add it to Backstage integrations or to pipelines.forges.allowedHosts',
      },
      {
        path: 'spec.environments[1].promotion.strategy.pull-request.url',
        message: expect.stringContaining(
          'The pull-request url host 127.0.0.1:9 is not a known forge',
        ),
      },
    ]);
    expect(d.conditions).toEqual([
      expect.objectContaining({
        type: CONDITION_READY,
        status: 'False',
        reason: ConditionReasons.InvalidSpec,
        message: expect.stringMatching(
          /^Invalid spec: spec\.promotion\.strategy\.pull-request\.url: The pull-request url host evil\.example is not a known forge/,
        ),
      }),
    ]);
  });

  it.each([
    // The CRD's validator already refuses these two; the forge check adds the rest.
    ['file:///etc/passwd', /not a valid repository URL|must start with https/],
    ['https://bot:pw@github.com/o/r', /not a valid repository URL|user name/],
    ['https://github.com/o/../r', /plain repository path/],
    ['https://github.com:8443/o/r', /on another port/],
    ['http://github.com/o/r', /configured for https/],
  ])('names the refusal of %s', (url, message) => {
    expect(detail(pipeline({ pipeline: url })).validationErrors).toEqual([
      {
        path: 'spec.promotion.strategy.pull-request.url',
        message: expect.stringMatching(message),
      },
    ]);
  });

  it('leaves Pipelines on known forges, and notification ones, as they were', () => {
    for (const urls of [
      { pipeline: 'https://github.com/o/r', prod: 'http://127.0.0.1:6480/g/p' },
      {},
    ]) {
      const d = detail(pipeline(urls));
      expect(d.validationErrors ?? []).toEqual([]);
      expect(d.environments.map(e => e.name)).toEqual(['dev', 'prod']);
    }
  });
});
