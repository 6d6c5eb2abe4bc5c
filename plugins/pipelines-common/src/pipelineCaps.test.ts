import { seedPipeline } from './__fixtures__/corpus';
import { checkPipelineCaps, PIPELINE_CAPS } from './pipelineCaps';
import { formatValidationIssue, validatePipeline } from './validation';

const target = (i: number, cluster?: string) => ({
  namespace: `ns-${i}`,
  ...(cluster && {
    clusterRef: { kind: 'GitopsCluster', name: cluster },
  }),
});
const environment = (name: string, targets: object[]) => ({ name, targets });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The seed example with these environments. */
function withEnvironments(environments: object[]) {
  const p = seedPipeline();
  p.spec.environments = environments;
  return p;
}

const issuesOf = (doc: unknown) =>
  validatePipeline(doc).issues.map(formatValidationIssue);

describe('checkPipelineCaps', () => {
  it('documents its numbers', () => {
    expect(PIPELINE_CAPS).toEqual({
      environments: 20,
      targetsPerEnvironment: 50,
      targets: 100,
      clusters: 20,
    });
  });

  it('accepts a Pipeline exactly at every cap', () => {
    // 20 environments × 5 targets = 100 targets on 20 clusters.
    const doc = withEnvironments(
      range(20).map(e =>
        environment(
          `env-${e}`,
          range(5).map(t => target(t, `cluster-${e}`)),
        ),
      ),
    );
    expect(issuesOf(doc)).toEqual([]);
    const wide = withEnvironments([
      environment(
        'dev',
        range(50).map(t => target(t)),
      ),
      environment(
        'prod',
        range(50).map(t => target(t, 'prod')),
      ),
    ]);
    expect(issuesOf(wide)).toEqual([]);
  });

  it('refuses 21 environments', () => {
    const doc = withEnvironments(
      range(21).map(e => environment(`env-${e}`, [target(0)])),
    );
    expect(issuesOf(doc)).toEqual([
      'spec.environments: has 21 environments: a Pipeline has at most 20; split the delivery into several Pipelines',
    ]);
  });

  it('refuses 51 targets in one environment', () => {
    const doc = withEnvironments([
      environment('dev', [target(0)]),
      environment(
        'prod',
        range(51).map(t => target(t)),
      ),
    ]);
    expect(issuesOf(doc)).toEqual([
      'spec.environments[1].targets: has 51 targets: an environment has at most 50; split the delivery into several Pipelines',
    ]);
  });

  it('refuses 101 targets across environments, each environment under its cap', () => {
    const doc = withEnvironments(
      [34, 34, 33].map((n, e) =>
        environment(
          `env-${e}`,
          range(n).map(t => target(t)),
        ),
      ),
    );
    expect(issuesOf(doc)).toEqual([
      'spec.environments: has 101 targets in all: a Pipeline has at most 100; split the delivery into several Pipelines',
    ]);
  });

  it('refuses 21 distinct clusters; the own cluster counts as one, the same cluster once', () => {
    const clusters = (n: number, own: boolean) =>
      withEnvironments([
        environment('dev', [
          ...(own ? [target(0)] : []),
          ...range(n).map(c => target(c, `c-${c}`)),
          target(99, 'c-0'),
        ]),
        environment('prod', [target(1, 'c-1')]),
      ]);
    expect(issuesOf(clusters(20, false))).toEqual([]);
    expect(issuesOf(clusters(19, true))).toEqual([]);
    const message =
      'spec.environments: targets 21 distinct clusters: a Pipeline reaches at most 20; split the delivery into several Pipelines';
    expect(issuesOf(clusters(20, true))).toEqual([message]);
    expect(issuesOf(clusters(21, false))).toEqual([message]);
  });

  it('tells GitopsClusters of the same name in different namespaces apart', () => {
    const doc = withEnvironments([
      environment(
        'dev',
        range(21).map(n => ({
          namespace: 'app',
          clusterRef: {
            kind: 'GitopsCluster',
            name: 'edge',
            namespace: `tenant-${n}`,
          },
        })),
      ),
    ]);
    expect(issuesOf(doc)).toEqual([
      expect.stringContaining('targets 21 distinct clusters'),
    ]);
  });

  it('reports every cap a Pipeline goes over, and reads malformed specs without throwing', () => {
    const doc = withEnvironments(
      range(25).map(e =>
        environment(
          `env-${e}`,
          range(e === 0 ? 60 : 2).map(t => target(t, `c-${e}`)),
        ),
      ),
    );
    expect(checkPipelineCaps(doc.spec).map(i => i.path)).toEqual([
      'spec.environments',
      'spec.environments[0].targets',
      'spec.environments',
      'spec.environments',
    ]);
    for (const spec of [undefined, null, 'x', { environments: 'x' }, [], {}])
      expect(checkPipelineCaps(spec)).toEqual([]);
    expect(
      checkPipelineCaps({ environments: [null, { targets: [null, 1] }] }),
    ).toEqual([]);
  });
});
