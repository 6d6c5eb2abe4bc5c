import type { EnvironmentState } from './api';
import { promotionGates, summarizeGates } from './gates';

const now = Date.parse('2026-11-30T12:00:00Z');
const env = (
  name: string,
  version: string,
  readySince: string,
): EnvironmentState => ({
  name,
  targets: [
    {
      cluster: 'c',
      namespace: name,
      health: 'ready',
      appFound: true,
      version,
      lastTransitionTime: readySince,
    },
  ],
  versions: [{ version, count: 1 }],
  promotion: { kind: 'pull-request', manual: true, hmac: false },
});
const record = {
  state: 'awaiting-merge' as const,
  version: '6.3.0',
  fromEnvironment: 'test',
  toEnvironment: 'prod',
  approvals: [
    { by: 'user:default/bob', at: '', decision: 'approved' as const },
  ],
  requiredApprovals: 1,
};
const pipeline = (annotations: Record<string, string>) => ({
  annotations,
  environments: [
    env('test', '6.3.0', '2026-11-30T11:50:00Z'),
    env('prod', '6.2.0', '2026-11-29T00:00:00Z'),
  ],
});

describe('promotionGates', () => {
  it('lists what holds a version back, and passes when nothing does', () => {
    expect(
      summarizeGates(
        promotionGates({ record, pipeline: pipeline({}), blocks: [], now }),
      ),
    ).toEqual({ state: 'success', description: 'all gates passed' });
    const held = promotionGates({
      record: {
        ...record,
        state: 'waiting-approval',
        approvals: [],
        requiredApprovals: 2,
      },
      pipeline: pipeline({
        'pipelines.weave.works/freeze': 'prod=00:00-00:00',
        'pipelines.weave.works/soak': 'test=30m',
      }),
      blocks: [],
      now,
    });
    expect(held).toEqual([
      { name: 'approvals', state: 'pending', description: '0 of 2 approvals' },
      { name: 'block', state: 'passed', description: '6.3.0 is not blocked' },
      {
        name: 'freeze',
        state: 'pending',
        description: 'prod is frozen until 2026-12-01T00:00:00.000Z',
      },
      {
        name: 'soak',
        state: 'pending',
        description: 'soaking in test: 20 min left',
      },
    ]);
    expect(summarizeGates(held)).toEqual({
      state: 'pending',
      description:
        'waiting: 0 of 2 approvals; prod is frozen until 2026-12-01T00:00:00.000Z; soaking in test: 20 min left',
    });
  });

  it('fails on a blocked version, and passes an overridden freeze', () => {
    const gates = promotionGates({
      record,
      pipeline: pipeline({
        'pipelines.weave.works/freeze': 'prod=00:00-00:00',
      }),
      blocks: [
        {
          version: '6.3.0',
          blockedBy: 'user:default/alice',
          reason: 'memory leak',
          createdAt: '',
        },
      ],
      freezeOverridden: true,
      now,
    });
    expect(summarizeGates(gates)).toEqual({
      state: 'failure',
      description: '6.3.0 is blocked by user:default/alice: memory leak',
    });
    expect(gates.find(g => g.name === 'freeze')).toMatchObject({
      state: 'passed',
    });
  });
});
