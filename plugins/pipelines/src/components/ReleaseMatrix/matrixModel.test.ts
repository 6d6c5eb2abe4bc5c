import type { LaneSummary } from '@gitops-pipelines/plugin-pipelines-common';
import { component, summary } from '../../__testUtils__/matrixFixtures';
import { cellDrift, matrixColumns, matrixRows } from './matrixModel';

const lane = (name: string, ...versions: string[]): LaneSummary => ({
  name,
  versions: versions.map(version => ({ version, count: 1 })),
  health: 'ready',
});

describe('matrixColumns', () => {
  it('orders every environment after the ones before it in any pipeline', () => {
    expect(
      matrixColumns([
        summary('a', [lane('dev'), lane('prod')]),
        summary('b', [lane('dev'), lane('staging'), lane('prod')]),
        summary('c', [lane('qa'), lane('prod'), lane('dr')]),
      ]),
    ).toEqual(['dev', 'staging', 'qa', 'prod', 'dr']);
  });
});

describe('matrixRows', () => {
  it('links pipelines to the entities that name them, on their cluster or the default one, with owners and Systems', () => {
    const rows = matrixRows(
      [
        summary('podinfo', [lane('dev')]),
        summary('podinfo', [lane('dev')], 'edge'),
        summary('orphan', [lane('dev')]),
      ],
      [
        component('web', 'podinfo', { owner: 'team-a', system: 'shop' }),
        component('api', 'podinfo', { owner: 'team-b', system: 'shop' }),
        component('edge-web', 'podinfo', { owner: 'team-c' }, 'edge'),
      ],
      'management',
    );
    expect(
      rows.map(r => [
        r.pipeline.cluster,
        r.pipeline.name,
        r.entities.map(e => e.metadata.name),
        r.owners,
        r.systems,
      ]),
    ).toEqual([
      ['management', 'podinfo', ['web', 'api'], ['team-a', 'team-b'], ['shop']],
      ['edge', 'podinfo', ['edge-web'], ['team-c'], []],
      ['management', 'orphan', [], [], []],
    ]);
  });
});

describe('cellDrift', () => {
  it('flags an environment behind the one before it, and one whose targets differ', () => {
    const lanes = [
      lane('dev', '6.2.0'),
      lane('test', '6.1.0'),
      lane('prod', '6.1.0', '6.0.0'),
      lane('dr', '6.3.0'),
    ];
    expect(lanes.map((_, i) => cellDrift(lanes, i))).toEqual([
      undefined,
      'behind',
      'mixed',
      undefined,
    ]);
    const revisions = [lane('dev', 'main@sha1:b'), lane('prod', 'main@sha1:a')];
    expect(cellDrift(revisions, 1)).toBeUndefined(); // Git revisions have no order
  });
});
