import { appState } from './appStatus';

const ready = (status: string, message = 'm') => ({ type: 'Ready', status: status as any, message, lastTransitionTime: '2026-11-25T10:00:00Z' });

describe('appState', () => {
  it('is ready at the applied revision', () => {
    expect(
      appState({
        metadata: { generation: 2 },
        spec: { chart: { spec: { version: '6.0.1' } } },
        status: { observedGeneration: 2, lastAppliedRevision: '6.0.0', conditions: [ready('True', 'Helm upgrade succeeded')] },
      }),
    ).toEqual({ health: 'ready', version: '6.0.0', message: 'Helm upgrade succeeded', lastTransitionTime: '2026-11-25T10:00:00Z' });
  });

  it('is progressing while Flux reconciles or has not seen the new spec', () => {
    expect(appState({ status: { conditions: [ready('Unknown')] } }).health).toBe('progressing');
    expect(
      appState({ metadata: { generation: 3 }, status: { observedGeneration: 2, conditions: [ready('True')] } }).health,
    ).toBe('progressing');
  });

  it('is not ready when Flux failed, and keeps the last applied version', () => {
    expect(
      appState({ status: { lastAppliedRevision: '6.0.1', lastAttemptedRevision: '6.2.0', conditions: [ready('False', 'upgrade failed')] } }),
    ).toMatchObject({ health: 'not-ready', version: '6.0.1', message: 'upgrade failed' });
  });

  it('falls back to the chart version and unknown health without status', () => {
    expect(appState({ spec: { chart: { spec: { version: '1.2.3' } } } })).toEqual({
      health: 'unknown',
      version: '1.2.3',
      message: undefined,
      lastTransitionTime: undefined,
    });
  });
});
