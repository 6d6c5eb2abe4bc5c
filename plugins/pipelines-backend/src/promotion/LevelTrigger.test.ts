import type {
  EnvironmentState,
  PipelineDetail,
  TargetState,
} from '@gitops-pipelines/plugin-pipelines-common';
import { duePromotions } from './LevelTrigger';

const target = (
  version?: string,
  health: TargetState['health'] = 'ready',
): TargetState => ({
  cluster: 'c',
  namespace: 'n',
  health,
  appFound: true,
  version,
});
const env = (
  name: string,
  targets: TargetState[],
  kind: 'pull-request' | 'none' = 'pull-request',
): EnvironmentState => {
  const counts = new Map<string, number>();
  targets.forEach(
    t => t.version && counts.set(t.version, (counts.get(t.version) ?? 0) + 1),
  );
  return {
    name,
    targets,
    versions: [...counts].map(([version, count]) => ({ version, count })),
    promotion: { kind, manual: false, hmac: false },
  };
};
const pipeline = (...environments: EnvironmentState[]): PipelineDetail => ({
  cluster: 'm',
  namespace: 'flux-system',
  name: 'p',
  dataState: 'live',
  conditions: [],
  validationErrors: [],
  environments,
});

const dueOf = (p: PipelineDetail) => duePromotions(p).due;

describe('duePromotions', () => {
  it('promotes a settled version into the next environment', () => {
    expect(
      dueOf(
        pipeline(
          env('dev', [target('6.1.0')]),
          env('test', [target('6.0.1'), target('6.0.1')]),
          env('prod', [target('6.0.0')]),
        ),
      ),
    ).toEqual([
      { environment: 'test', version: '6.1.0' },
      { environment: 'prod', version: '6.0.1' },
    ]);
  });

  it('never promotes into an environment with a target whose version cannot be known', () => {
    for (const health of [
      'cluster-not-ready',
      'cluster-not-found',
      'unknown',
    ] as const) {
      expect(
        dueOf(
          pipeline(
            env('canary', [target('2.0.0')]),
            env('main', [target('2.1.0'), target(undefined, health)]),
          ),
        ),
      ).toEqual([]);
    }
    // An app that is only missing (not yet installed) is still promoted into.
    expect(
      dueOf(
        pipeline(
          env('dev', [target('6.1.0')]),
          env('test', [target(undefined, 'app-missing')]),
        ),
      ),
    ).toEqual([{ environment: 'test', version: '6.1.0' }]);
  });

  it('never promotes from a half-rolled-out or failing environment', () => {
    expect(
      dueOf(
        pipeline(
          env('test', [target('6.1.0'), target('6.0.1')]),
          env('prod', [target('6.0.0')]),
        ),
      ),
    ).toEqual([]);
    expect(
      dueOf(
        pipeline(
          env('test', [target('6.1.0', 'not-ready')]),
          env('prod', [target('6.0.0')]),
        ),
      ),
    ).toEqual([]);
    expect(
      dueOf(
        pipeline(
          env('test', [target('6.1.0', 'progressing')]),
          env('prod', [target('6.0.0')]),
        ),
      ),
    ).toEqual([]);
  });

  it('does not promote what the next environment already runs; Git revisions are candidates too', () => {
    expect(
      dueOf(
        pipeline(env('dev', [target('6.1.0')]), env('test', [target('6.1.0')])),
      ),
    ).toEqual([]);
    expect(
      dueOf(
        pipeline(
          env('dev', [target('main@sha1:abc')]),
          env('test', [target('main@sha1:def')]),
        ),
      ),
    ).toEqual([{ environment: 'test', version: 'main@sha1:abc' }]);
  });

  it('needs a strategy, and finishes a partial rollout of the next environment', () => {
    expect(
      dueOf(
        pipeline(
          env('dev', [target('2.0.0')]),
          env('test', [target('1.0.0')], 'none'),
        ),
      ),
    ).toEqual([]);
    expect(
      dueOf(
        pipeline(
          env('dev', [target('2.0.0')]),
          env('test', [target('2.0.0'), target('1.0.0')]),
        ),
      ),
    ).toEqual([{ environment: 'test', version: '2.0.0' }]);
    expect(
      dueOf(
        pipeline(
          env('dev', [target('2.0.0')]),
          env('test', [target(undefined, 'app-missing')]),
        ),
      ),
    ).toEqual([{ environment: 'test', version: '2.0.0' }]);
  });

  describe('with a soak time (pipelines.weave.works/soak)', () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    const readySince = (version: string, iso: string) => ({
      ...target(version),
      lastTransitionTime: iso,
    });
    const soaking = (annotation: string, ...devTargets: TargetState[]) =>
      duePromotions(
        {
          ...pipeline(env('dev', devTargets), env('test', [target('6.0.0')])),
          annotations: { 'pipelines.weave.works/soak': annotation },
        },
        now,
      );

    it('holds a promotion out of the environment until every target has been Ready at the version that long', () => {
      // Ready since 11:40 and 11:50: the clock counts from the later one, so 30m ends at 12:20.
      expect(
        soaking(
          'dev=30m',
          readySince('6.1.0', '2026-11-30T11:40:00Z'),
          readySince('6.1.0', '2026-11-30T11:50:00Z'),
        ),
      ).toEqual({
        due: [],
        soakingUntil: Date.parse('2026-11-30T12:20:00Z'),
      });
      expect(
        soaking(
          'dev=10m',
          readySince('6.1.0', '2026-11-30T11:40:00Z'),
          readySince('6.1.0', '2026-11-30T11:50:00Z'),
        ),
      ).toEqual({
        due: [{ environment: 'test', version: '6.1.0' }],
        soakingUntil: undefined,
      });
    });

    it('never counts an environment as soaked when a Ready transition time is missing, and ignores other environments’ soak', () => {
      expect(soaking('dev=1m', target('6.1.0'))).toEqual({
        due: [],
        soakingUntil: undefined,
      });
      expect(soaking('test=1h', target('6.1.0')).due).toEqual([
        { environment: 'test', version: '6.1.0' },
      ]);
    });
  });
});
