import {
  Condition,
  Pipeline,
  validatePipeline,
} from '@gitops-pipelines/plugin-pipelines-common';
import { promotionSettingsFor } from '../promotion/planPromotion';

/** The Secret key that signs the promotion webhook (Flux's `generic-hmac` Provider token). */
export const PROMOTION_HMAC_KEY = 'hmac-key';
/** The Secret key that signs the approval webhook: never the promotion key. */
export const APPROVAL_HMAC_KEY = 'approval-hmac-key';

/** Which webhook a key signs. */
export type WebhookKind = 'promotion' | 'approval';

/** Reads one key of a Secret in a namespace (the watch cache's `getSecretValue`). */
export type SecretLookup = (
  namespace: string,
  name: string,
  key: string,
) => string | undefined;

/** Where a webhook of an environment would find its key, and the key if it is there. */
export interface WebhookKey {
  /** The environment promoted into (the one after the path's). */
  next?: string;
  /** The Secret named by the promotion settings of `next` (the plan's rule). */
  secretName?: string;
  /** `hmac-key` or `approval-hmac-key`. */
  secretKey: string;
  /** The key's value; undefined when any of the above is missing or empty. */
  value?: string;
}

/**
 * The key that signs webhooks from environment `environment` of a pipeline: the promotion
 * settings of the environment promoted into, by the same rule as the promotion plan
 * ({@link promotionSettingsFor}: the next environment's own `promotion`, else the
 * pipeline's), its `secretRef`, and in that Secret `hmac-key` (promotion webhook) or
 * `approval-hmac-key` (approval webhook).
 */
export function webhookKey(
  pipeline: Pipeline,
  environment: string,
  kind: WebhookKind,
  secrets: SecretLookup,
): WebhookKey {
  const envs = pipeline.spec.environments;
  const index = envs.findIndex(e => e.name === environment);
  const secretKey =
    kind === 'approval' ? APPROVAL_HMAC_KEY : PROMOTION_HMAC_KEY;
  if (index === -1 || index === envs.length - 1) return { secretKey };
  const next = envs[index + 1].name;
  const secretName = promotionSettingsFor(pipeline, index + 1)?.strategy
    ?.secretRef?.name;
  const value = secretName
    ? secrets(pipeline.metadata.namespace ?? '', secretName, secretKey) ||
      undefined
    : undefined;
  return { next, secretName, secretKey, value };
}

/**
 * Why a promotion webhook from `environment` would be refused for want of a key, in words
 * for the Pipeline's owner; undefined when it can be signed. The router refuses with one
 * generic answer and logs this; the Pipeline's status and detail can show it.
 */
export function webhookKeyProblem(
  pipeline: Pipeline,
  environment: string,
  secrets: SecretLookup,
  kind: WebhookKind = 'promotion',
): string | undefined {
  const key = webhookKey(pipeline, environment, kind, secrets);
  const what = kind === 'approval' ? 'Approval webhooks' : 'Webhooks';
  if (!key.next)
    return `${what} for "${environment}" are refused: it is the last environment (or not one of the pipeline's), there is nothing to promote into`;
  if (!key.secretName)
    return `${what} for "${environment}" are refused: the promotion strategy into "${key.next}" has no secretRef to a Secret with ${key.secretKey}`;
  if (!key.value)
    return `${what} for "${environment}" are refused: Secret ${pipeline.metadata.namespace}/${key.secretName} (the promotion strategy into "${key.next}") has no ${key.secretKey}`;
  return undefined;
}

/**
 * The promotion-webhook problems of a whole pipeline, one message per environment that
 * promotes into another (every one but the last); empty when each can be signed. For the
 * Pipeline's condition / detail when `pipelines.webhooks.requireSignature` is true.
 */
export function webhookSigningProblems(
  pipeline: Pipeline,
  secrets: SecretLookup,
): string[] {
  return pipeline.spec.environments
    .slice(0, -1)
    .map(e => webhookKeyProblem(pipeline, e.name, secrets))
    .filter((m): m is string => Boolean(m));
}

/** The type of the Pipeline condition that says which webhooks are refused for want of a key. */
export const CONDITION_WEBHOOKS = 'Webhooks';

/**
 * The `Webhooks` condition of a Pipeline when `pipelines.webhooks.requireSignature` is on and
 * an environment's promotion webhook has no key: status False, reason `WebhookKeyMissing`, one
 * sentence per environment; none when every one can be signed (or the Pipeline is invalid,
 * which its Ready condition says).
 */
export function webhookSigningConditions(
  raw: unknown,
  secrets: SecretLookup,
): Array<Omit<Condition, 'lastTransitionTime'>> {
  const result = validatePipeline(raw);
  if (!result.valid) return [];
  const problems = webhookSigningProblems(result.pipeline, secrets);
  if (!problems.length) return [];
  return [
    {
      type: CONDITION_WEBHOOKS,
      status: 'False',
      reason: 'WebhookKeyMissing',
      message: `${problems.join(
        '; ',
      )} (people and level triggers still promote)`,
      observedGeneration: result.pipeline.metadata.generation,
    },
  ];
}
