import { validatePipelineAnnotations } from './pipelineAnnotations';
import { parseSoak, parseSoakDuration, soakStatus } from './soak';
import type { EnvironmentState } from './api';

describe('parseSoakDuration', () => {
  it('reads Go-style durations plus days, up to 7 days', () => {
    expect(
      ['90s', '30m', '2h', '1h30m', '1d', '7d'].map(parseSoakDuration),
    ).toEqual([90e3, 1.8e6, 7.2e6, 5.4e6, 8.64e7, 6.048e8]);
    expect(
      ['', '0m', '8d', '30', '1.5h', 'm', '30 m'].map(parseSoakDuration),
    ).toEqual(Array(7).fill(undefined));
  });
});

describe('parseSoak', () => {
  it('reads env=duration entries and reports each malformed one', () => {
    expect(parseSoak('test=30m, prod=2h')).toEqual({
      soak: { test: 1.8e6, prod: 7.2e6 },
      errors: [],
    });
    expect(parseSoak('test=soon,prod=1h,prod=2h').errors).toEqual([
      '"test=soon" is not environment=duration with a duration such as 30m, 2h or 1h30m, at most 7d',
      '"prod" is given twice',
    ]);
  });

  it('makes a Pipeline invalid when its soak annotation is malformed or names an unknown environment', () => {
    expect(
      validatePipelineAnnotations(
        { 'pipelines.weave.works/soak': 'qa=1h,test=forever' },
        ['dev', 'test'],
      ),
    ).toEqual([
      {
        path: 'metadata.annotations["pipelines.weave.works/soak"]',
        message: expect.stringMatching(
          /^"test=forever" is not environment=duration/,
        ),
      },
      {
        path: 'metadata.annotations["pipelines.weave.works/soak"]',
        message: '"qa" is not an environment of this pipeline (dev, test)',
      },
    ]);
  });
});

describe('soakStatus', () => {
  const env = (...times: Array<string | undefined>): EnvironmentState => ({
    name: 'test',
    targets: times.map(t => ({
      cluster: 'c',
      namespace: 'n',
      health: 'ready',
      appFound: true,
      version: '1.0.0',
      lastTransitionTime: t,
    })),
    versions: [{ version: '1.0.0', count: times.length }],
    promotion: { kind: 'pull-request', manual: false, hmac: false },
  });
  const now = Date.parse('2026-11-30T12:00:00Z');

  it('counts from the last target that became Ready, and tells when the soak ends', () => {
    expect(
      soakStatus(
        env('2026-11-30T11:00:00Z', '2026-11-30T11:45:00Z'),
        3.6e6,
        now,
      ),
    ).toEqual({
      state: 'soaking',
      version: '1.0.0',
      since: '2026-11-30T11:45:00.000Z',
      until: '2026-11-30T12:45:00.000Z',
    });
    expect(soakStatus(env('2026-11-30T10:00:00Z'), 3.6e6, now)).toEqual({
      state: 'soaked',
      version: '1.0.0',
      since: '2026-11-30T10:00:00.000Z',
    });
    expect(
      soakStatus(env('2026-11-30T10:00:00Z', undefined), 3.6e6, now),
    ).toEqual({ state: 'unknown', version: '1.0.0' });
  });
});
