import type {
  EnvironmentState,
  TargetState,
} from '@gitops-pipelines/plugin-pipelines-common';
import { settleRollout } from './settleRollout';

const t = (
  namespace: string,
  health: TargetState['health'],
  version?: string,
  extra: Partial<TargetState> = {},
): TargetState => ({
  cluster: 'flux-system/prod',
  namespace,
  health,
  appFound: true,
  version,
  ...extra,
});
const env = (...targets: TargetState[]) =>
  ({
    name: 'prod',
    targets,
    versions: [],
    promotion: { kind: 'pull-request', manual: false, hmac: false },
  } as EnvironmentState);
const record = {
  version: '6.1.0',
  toEnvironment: 'prod',
  updatedAt: '2026-11-30T10:00:00Z',
};
const now = Date.parse('2026-11-30T10:10:00Z');
const hour = 60 * 60_000;

describe('settleRollout', () => {
  it('is deployed when every target is Ready at the version, and lists each target Ready at it', () => {
    expect(
      settleRollout(
        record,
        env(t('a', 'ready', '6.1.0'), t('b', 'ready', '6.1.0')),
        { now, timeoutMs: hour },
      ),
    ).toEqual({
      outcome: 'deployed',
      message: 'Deployed: 2 of 2 targets Ready at 6.1.0',
      targetsReady: [
        'target flux-system/prod/a Ready at 6.1.0',
        'target flux-system/prod/b Ready at 6.1.0',
      ],
    });
  });

  it('is still rolling out with 1 of 2 targets', () => {
    expect(
      settleRollout(
        record,
        env(
          t('a', 'ready', '6.1.0'),
          t('b', 'progressing', '6.0.0', { attemptedVersion: '6.1.0' }),
        ),
        { now, timeoutMs: hour },
      ),
    ).toMatchObject({
      outcome: 'rolling-out',
      message: '1 of 2 targets Ready at 6.1.0',
    });
  });

  it("fails with Flux's message when a target failed at the version", () => {
    const failing = t('b', 'not-ready', '6.0.0', {
      attemptedVersion: '6.1.0',
      message: 'Helm upgrade failed: timed out waiting for the condition',
    });
    expect(
      settleRollout(record, env(t('a', 'ready', '6.1.0'), failing), {
        now,
        timeoutMs: hour,
      }),
    ).toMatchObject({
      outcome: 'failed',
      message:
        'flux-system/prod/b failed at 6.1.0: Helm upgrade failed: timed out waiting for the condition',
    });
    // A failure from before the rollout began (a retry) is not this rollout's.
    const stale = { ...failing, lastTransitionTime: '2026-11-30T09:00:00Z' };
    expect(
      settleRollout(record, env(t('a', 'ready', '6.1.0'), stale), {
        now,
        timeoutMs: hour,
      }).outcome,
    ).toBe('rolling-out');
    // A target failing at another version is not this promotion's failure.
    expect(
      settleRollout(
        record,
        env(t('a', 'not-ready', '6.0.0', { attemptedVersion: '5.0.0' })),
        { now, timeoutMs: hour },
      ).outcome,
    ).toBe('rolling-out');
  });

  it('fails when nothing happened within the timeout', () => {
    expect(
      settleRollout(record, env(t('a', 'ready', '6.0.0')), {
        now,
        timeoutMs: 5 * 60_000,
      }),
    ).toMatchObject({
      outcome: 'failed',
      message: 'not deployed within 5 min: 0 of 1 targets Ready at 6.1.0',
    });
    expect(
      settleRollout(record, undefined, { now: now + 2 * hour, timeoutMs: hour })
        .message,
    ).toBe('not deployed within 1 h: 0 of 0 targets Ready at 6.1.0');
  });

  it('is superseded when every target runs a newer version', () => {
    expect(
      settleRollout(record, env(t('a', 'ready', '6.2.0')), {
        now,
        timeoutMs: hour,
      }),
    ).toMatchObject({ outcome: 'superseded' });
  });
});
