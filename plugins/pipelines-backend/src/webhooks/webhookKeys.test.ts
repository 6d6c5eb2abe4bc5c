import { validatePipeline } from '@gitops-pipelines/plugin-pipelines-common';
import { pipeline as fixture } from '../__testUtils__/webhookHarness';
import { withConditions } from '../cache/withConditions';
import {
  webhookKey,
  webhookKeyProblem,
  webhookSigningConditions,
  webhookSigningProblems,
} from './webhookKeys';

/*
 * One rule decides which Secret signs an environment's webhooks: the promotion plan's
 * (promotionSettingsFor). The same functions say why a webhook is refused, for the log and
 * for the Pipeline's `Webhooks` condition.
 */

const SECRETS: Record<string, Record<string, string>> = {
  hmac: { 'hmac-key': 'k', 'approval-hmac-key': 'a' },
  empty: {},
};
const secrets = (ns: string, name: string, key: string) =>
  ns === 'flux-system' ? SECRETS[name]?.[key] : undefined;
const valid = (raw: object) => {
  const result = validatePipeline(raw);
  if (!result.valid) throw new Error('fixture is invalid');
  return result.pipeline;
};

describe('webhookKey', () => {
  it("takes the next environment's own promotion as a whole, else the pipeline's", () => {
    // prod has its own promotion without secretRef; the pipeline's names hmac
    const p = valid(fixture('p', { secretRef: 'hmac' }));
    expect(webhookKey(p, 'dev', 'promotion', secrets)).toEqual({
      next: 'test',
      secretName: 'hmac',
      secretKey: 'hmac-key',
      value: 'k',
    });
    expect(webhookKey(p, 'test', 'promotion', secrets)).toEqual({
      next: 'prod',
      secretName: undefined,
      secretKey: 'hmac-key',
      value: undefined,
    });
    const both = valid(
      fixture('p', { secretRef: 'hmac', envSecretRef: 'hmac' }),
    );
    expect(webhookKey(both, 'test', 'approval', secrets).value).toBe('a');
    expect(webhookKey(both, 'prod', 'promotion', secrets)).toEqual({
      secretKey: 'hmac-key',
    });
    expect(webhookKey(both, 'qa', 'promotion', secrets)).toEqual({
      secretKey: 'hmac-key',
    });
  });

  it('names the problem an owner can act on, never a key', () => {
    const p = valid(fixture('p', { secretRef: 'empty' }));
    expect(webhookKeyProblem(p, 'dev', secrets)).toBe(
      'Webhooks for "dev" are refused: Secret flux-system/empty (the promotion strategy into "test") has no hmac-key',
    );
    expect(webhookKeyProblem(p, 'test', secrets)).toBe(
      'Webhooks for "test" are refused: the promotion strategy into "prod" has no secretRef to a Secret with hmac-key',
    );
    expect(webhookKeyProblem(p, 'prod', secrets)).toMatch(
      /"prod" are refused: it is the last environment/,
    );
    const signed = valid(
      fixture('p', { secretRef: 'hmac', envSecretRef: 'hmac' }),
    );
    expect(webhookKeyProblem(signed, 'dev', secrets)).toBeUndefined();
    expect(webhookSigningProblems(signed, secrets)).toEqual([]);
    expect(webhookKeyProblem(signed, 'test', () => undefined, 'approval')).toBe(
      'Approval webhooks for "test" are refused: Secret flux-system/hmac (the promotion strategy into "prod") has no approval-hmac-key',
    );
  });
});

describe('webhookSigningConditions', () => {
  it('is a Webhooks condition naming each environment without a key, or none', () => {
    const unsigned = fixture('p');
    const [condition] = webhookSigningConditions(unsigned, secrets);
    expect(condition).toEqual({
      type: 'Webhooks',
      status: 'False',
      reason: 'WebhookKeyMissing',
      message:
        'Webhooks for "dev" are refused: the promotion strategy into "test" has no secretRef to a Secret with hmac-key; ' +
        'Webhooks for "test" are refused: the promotion strategy into "prod" has no secretRef to a Secret with hmac-key ' +
        '(people and level triggers still promote)',
      observedGeneration: undefined,
    });
    expect(
      webhookSigningConditions(
        fixture('p', { secretRef: 'hmac', envSecretRef: 'hmac' }),
        secrets,
      ),
    ).toEqual([]);
    expect(webhookSigningConditions({ spec: 'invalid' }, secrets)).toEqual([]);
  });

  it('keeps its transition time while its status stays, on the detail after the Ready condition', () => {
    const ready = {
      type: 'Ready',
      status: 'True' as const,
      reason: 'ReconciliationSucceeded',
      message: 'ok',
      lastTransitionTime: '2026-12-01T00:00:00Z',
    };
    const detail: any = { conditions: [ready] };
    const extra = webhookSigningConditions(fixture('p'), secrets);
    const first = withConditions(detail, extra, undefined);
    expect(first.conditions.map(c => c.type)).toEqual(['Ready', 'Webhooks']);
    const before = { ...first.conditions[1], lastTransitionTime: 'earlier' };
    const again = withConditions(detail, extra, {
      conditions: [ready, before],
    } as any);
    expect(again.conditions[1].lastTransitionTime).toBe('earlier');
    expect(withConditions(detail, [], first)).toBe(detail);
  });
});
