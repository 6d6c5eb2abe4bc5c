import { InputError } from '@backstage/errors';
import {
  parseVersion,
  PipelineKey,
  PromotionEventType,
  PromotionRecord,
  PromotionTrigger,
} from '@gitops-pipelines/plugin-pipelines-common';
import { PipelineCache } from '../cache/PipelineCache';
import { PromotionStore } from '../database/PromotionStore';
import { APPROVAL_TIMEOUT_ACTOR } from './expireApprovals';
import { newerVersion, rolledBackFrom } from './versionOrder';

/** Triggers that are automatic: they never move an environment backwards, never promote into a held one, and never overrule a person. */
export const AUTOMATIC_TRIGGERS: readonly PromotionTrigger[] = [
  'webhook',
  'level',
];

/**
 * The version of a request at the engine's entrance, checked and normalised by
 * {@link parseVersion} (the one rule for every entrance).
 * @throws InputError with what is wrong with it.
 */
export function canonicalVersion(version: unknown): string {
  const parsed = parseVersion(version);
  if (!parsed.valid) throw new InputError(parsed.message);
  return parsed.version;
}

/** What a request may do, by the precedence rules (DESIGN §6 "Precedence"). */
export type PrecedenceVerdict =
  | { verdict: 'go' }
  /** An automatic trigger that must create nothing; `reason` says why (a 200 `{ignored}` for a webhook). */
  | { verdict: 'ignore'; reason: string }
  /** A person's request that is refused; `reason` says what to do instead. */
  | { verdict: 'refuse'; reason: string };

export interface PrecedenceOptions {
  store: Pick<PromotionStore, 'listDeployed' | 'latestEnded' | 'events'>;
  cache: Pick<PipelineCache, 'getPipeline'>;
}

/** Final states a person (or a forge user, closing the pull request) chose, and the events that record who. */
const ENDINGS: Partial<Record<PromotionRecord['state'], PromotionEventType[]>> =
  {
    cancelled: ['cancelled', 'pull-request-closed'],
    rejected: ['rejected'],
    failed: ['failed'],
  };

/** Why the last promotion of `version` into the environment keeps automation from requesting it again, if it does. */
async function endedByDecision(
  store: PrecedenceOptions['store'],
  key: PipelineKey,
  environment: string,
  version: string,
): Promise<string | undefined> {
  const ended = await store.latestEnded(key, environment, version);
  const types = ended && ENDINGS[ended.state];
  if (!ended || !types) return undefined;
  const event = (await store.events(ended.id))
    .reverse()
    .find(e => types.includes(e.type));
  // An approval nobody answered in time is asked again; a person's "no" stands.
  if (ended.state === 'rejected' && event?.actor === APPROVAL_TIMEOUT_ACTOR)
    return undefined;
  let by = '';
  if (event?.actor) by = ` by ${event.actor}`;
  else if (ended.state === 'cancelled')
    by = ' on the forge (pull request closed)';
  const again =
    ended.state === 'failed'
      ? 'a person retries it (Retry)'
      : 'only a person requests it again';
  const ending = ended.state === 'failed' ? 'failed' : `was ${ended.state}`;
  return `the promotion of ${version} into ${environment} ${ending}${by} (${ended.id}): ${again}`;
}

/**
 * Applies the precedence rules to a request, before any row is created:
 * - a rollback (a person's) is the only move backwards and outranks the rest;
 * - a version older than what the environment runs (any target) or last deployed there —
 *   semver, else ledger order — is ignored for an automatic trigger and refused for a
 *   person, who is pointed at Roll back;
 * - a version every target already runs, Ready, changes nothing: ignored or refused the
 *   same way (a retry excepted: it finishes an earlier change);
 * - an automatic trigger never re-requests a version whose last promotion there a person
 *   cancelled or rejected (or closed on the forge), that failed, or that a rollback moved
 *   the environment away from.
 * Blocks and holds are checked by the engine before this.
 */
export async function precedenceOf(
  options: PrecedenceOptions,
  req: {
    pipeline: PipelineKey;
    environment: string;
    version: string;
    trigger: PromotionTrigger;
    retryOf?: string;
  },
): Promise<PrecedenceVerdict> {
  const { pipeline: key, environment, version, trigger } = req;
  if (trigger === 'rollback') return { verdict: 'go' };
  const automatic = AUTOMATIC_TRIGGERS.includes(trigger);
  const say = (why: string, instead: string): PrecedenceVerdict =>
    automatic
      ? { verdict: 'ignore', reason: why }
      : { verdict: 'refuse', reason: `${why}: ${instead}` };
  const targets =
    options.cache
      .getPipeline(key)
      ?.environments.find(e => e.name === environment)?.targets ?? [];
  const current = targets.flatMap(t => (t.version ? [t.version] : []));
  const deployed = await options.store.listDeployed(key, environment);
  const ahead = newerVersion(version, current, deployed);
  if (ahead)
    return say(
      `${environment} runs ${ahead}, newer than ${version}`,
      `only a rollback goes back (Roll back to ${version}, which also holds ${environment})`,
    );
  const unchanged =
    targets.length > 0 &&
    targets.every(t => t.version === version && t.health === 'ready');
  // A retry finishes an earlier change (its rollout failed, the targets recovered since).
  if (unchanged && !req.retryOf)
    return say(
      `${environment} already runs ${version} on every target`,
      'a promotion that changes nothing is not a deployment',
    );
  if (!automatic) return { verdict: 'go' };
  const rollback = rolledBackFrom(version, deployed);
  if (rollback)
    return {
      verdict: 'ignore',
      reason: `${environment} was rolled back from ${version} to ${rollback.version} by ${rollback.requestedBy}: only a person requests ${version} again`,
    };
  const decided = await endedByDecision(
    options.store,
    key,
    environment,
    version,
  );
  return decided ? { verdict: 'ignore', reason: decided } : { verdict: 'go' };
}
