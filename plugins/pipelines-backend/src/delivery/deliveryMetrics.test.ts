import { PromotionRecord } from '@gitops-pipelines/plugin-pipelines-common';
import { computeDeliveryMetrics, parseMetricsWindow } from './deliveryMetrics';

const pipeline = {
  cluster: 'local',
  namespace: 'flux-system',
  name: 'podinfo',
};
let n = 0;
/** A ledger row; times are 2026-MM-DDTHH:MM (UTC). */
function row(
  fields: Partial<PromotionRecord> &
    Pick<PromotionRecord, 'version' | 'toEnvironment' | 'state' | 'createdAt'>,
): PromotionRecord {
  const iso = (t?: string) => (t ? `2026-${t}:00.000Z` : undefined);
  return {
    id: `row-${++n}`,
    pipeline,
    trigger: 'user',
    requestedBy: 'user:default/alice',
    approvals: [],
    requiredApprovals: 1,
    strategy: 'pull-request',
    attempts: 1,
    ...fields,
    createdAt: iso(fields.createdAt)!,
    updatedAt: iso(fields.deployedAt ?? fields.endedAt ?? fields.createdAt)!,
    deployedAt: iso(fields.deployedAt),
    endedAt: iso(fields.endedAt ?? fields.deployedAt),
  };
}

// A scripted month: three versions through staging and prod, one failed prod promotion
// (retried), and one rollback of prod.
const rows = [
  row({
    version: '0.9.0',
    fromEnvironment: 'dev',
    toEnvironment: 'staging',
    state: 'deployed',
    createdAt: '10-20T10:00',
    deployedAt: '10-20T10:05',
  }),
  row({
    version: '1.0.0',
    fromEnvironment: 'dev',
    toEnvironment: 'staging',
    state: 'deployed',
    createdAt: '11-01T10:00',
    deployedAt: '11-01T10:30',
  }),
  row({
    version: '1.0.0',
    fromEnvironment: 'staging',
    toEnvironment: 'prod',
    state: 'deployed',
    createdAt: '11-02T09:00',
    deployedAt: '11-02T10:00',
  }),
  row({
    version: '1.1.0',
    fromEnvironment: 'dev',
    toEnvironment: 'staging',
    state: 'deployed',
    createdAt: '11-10T08:00',
    deployedAt: '11-10T08:20',
  }),
  row({
    version: '1.1.0',
    fromEnvironment: 'staging',
    toEnvironment: 'prod',
    state: 'failed',
    createdAt: '11-11T08:00',
    endedAt: '11-11T08:45',
  }),
  row({
    version: '1.1.0',
    fromEnvironment: 'staging',
    toEnvironment: 'prod',
    state: 'deployed',
    createdAt: '11-11T09:00',
    deployedAt: '11-11T10:00',
    retryOf: 'row-5',
  }),
  row({
    version: '1.2.0',
    fromEnvironment: 'dev',
    toEnvironment: 'staging',
    state: 'deployed',
    createdAt: '11-20T12:00',
    deployedAt: '11-20T12:10',
  }),
  row({
    version: '1.2.0',
    fromEnvironment: 'staging',
    toEnvironment: 'prod',
    state: 'deployed',
    createdAt: '11-21T12:00',
    deployedAt: '11-21T13:00',
  }),
  row({
    version: '1.1.0',
    toEnvironment: 'prod',
    trigger: 'rollback',
    state: 'deployed',
    createdAt: '11-22T08:00',
    deployedAt: '11-22T08:30',
  }),
  row({
    version: '1.3.0',
    fromEnvironment: 'staging',
    toEnvironment: 'prod',
    state: 'waiting-approval',
    createdAt: '11-29T08:00',
  }),
  // A hotfix promoted by hand from staging into prod: it never left dev through the ledger.
  row({
    version: '1.2.1',
    fromEnvironment: 'staging',
    toEnvironment: 'prod',
    state: 'deployed',
    createdAt: '11-25T09:00',
    deployedAt: '11-25T09:30',
  }),
];

describe('computeDeliveryMetrics', () => {
  const metrics = computeDeliveryMetrics({
    pipeline,
    environments: ['dev', 'staging', 'prod'],
    rows,
    window: '30d',
    now: new Date('2026-11-30T12:00:00Z'),
  });

  it('counts deployments per environment inside the window, with request → deployed lead times', () => {
    expect(metrics.from).toBe('2026-10-31T12:00:00.000Z');
    const [staging, prod] = metrics.environments;
    // staging: 1.0.0 (1800 s), 1.1.0 (1200 s), 1.2.0 (600 s); 0.9.0 is before the window.
    expect(staging).toEqual({
      environment: 'staging',
      deployments: 3,
      deploymentsPerWeek: 0.7,
      leadTime: { count: 3, medianSeconds: 1200, p90Seconds: 1680 }, // p90: 1200 + 0.8 × (1800 − 1200)
      failures: 0,
      rollbacks: 0,
      changeFailureRate: 0,
      timeToRestore: { count: 0 },
    });
    // prod: 1.0.0 (3600 s), 1.1.0's retry (3600 s), 1.2.0 (3600 s), the rollback (1800 s), the 1.2.1 hotfix (1800 s).
    expect(prod.deployments).toBe(5);
    expect(prod.deploymentsPerWeek).toBeCloseTo(35 / 30, 10);
    expect(prod.leadTime).toEqual({
      count: 5,
      medianSeconds: 3600,
      p90Seconds: 3600,
    });
  });

  it('gives the change failure rate and the time to restore after failures and rollbacks', () => {
    const prod = metrics.environments[1];
    expect(prod.failures).toBe(1);
    expect(prod.rollbacks).toBe(1);
    expect(prod.changeFailureRate).toBe(0.4); // (1 failure + 1 rollback) / 5 deployments
    // failed 11-11 08:45 → deployed 10:00 (4500 s); rollback asked 11-22 08:00 → deployed 08:30 (1800 s)
    expect(prod.timeToRestore).toEqual({
      count: 2,
      medianSeconds: 3150,
      p90Seconds: 4230,
    }); // 1800 + 0.9 × 2700
  });

  it('measures each version from its first promotion out of the first environment to the last environment', () => {
    // 1.0.0: 11-01 10:00 → 11-02 10:00 (24 h); 1.1.0: 11-10 08:00 → 11-11 10:00 (26 h); 1.2.0: 25 h;
    // not the 1.2.1 hotfix, which never left dev through the ledger.
    expect(metrics.leadTimeFirstToLast).toEqual({
      count: 3,
      medianSeconds: 90_000,
      p90Seconds: 92_880,
    }); // 90000 + 0.8 × 3600
  });

  it('gives daily counts for charts, by date then environment order', () => {
    expect(metrics.daily).toEqual([
      {
        date: '2026-11-01',
        environment: 'staging',
        deployments: 1,
        failures: 0,
      },
      { date: '2026-11-02', environment: 'prod', deployments: 1, failures: 0 },
      {
        date: '2026-11-10',
        environment: 'staging',
        deployments: 1,
        failures: 0,
      },
      { date: '2026-11-11', environment: 'prod', deployments: 1, failures: 1 },
      {
        date: '2026-11-20',
        environment: 'staging',
        deployments: 1,
        failures: 0,
      },
      { date: '2026-11-21', environment: 'prod', deployments: 1, failures: 0 },
      { date: '2026-11-22', environment: 'prod', deployments: 1, failures: 0 },
      { date: '2026-11-25', environment: 'prod', deployments: 1, failures: 0 },
    ]);
  });

  it('has no rate and no durations for an environment without deployments', () => {
    const empty = computeDeliveryMetrics({
      pipeline,
      environments: ['dev', 'prod'],
      rows: [],
      window: '7d',
      now: new Date(),
    });
    expect(empty.environments).toEqual([
      {
        environment: 'prod',
        deployments: 0,
        deploymentsPerWeek: 0,
        leadTime: { count: 0 },
        failures: 0,
        rollbacks: 0,
        timeToRestore: { count: 0 },
      },
    ]);
    expect(empty.leadTimeFirstToLast).toEqual({ count: 0 });
  });
});

describe('parseMetricsWindow', () => {
  it('reads hours and days up to a year, and refuses anything else with the accepted form', () => {
    expect(parseMetricsWindow('30d')).toBe(30 * 86_400_000);
    expect(parseMetricsWindow('12h')).toBe(12 * 3_600_000);
    for (const bad of ['0d', '30', '1w', '367d', '-1d', '30d ']) {
      expect(() => parseMetricsWindow(bad)).toThrow(
        /e\.g\. 30d or 12h, at most 366d/,
      );
    }
  });
});
