import { ConflictError, InputError } from '@backstage/errors';
import {
  PipelineKey,
  PromotionRecord,
  PromotionTrigger,
  requiredApprovalsFor,
} from '@gitops-pipelines/plugin-pipelines-common';
import { PipelineCache } from '../cache/PipelineCache';
import { VersionBlockStore } from '../database/DatabaseVersionBlockStore';
import {
  HoldStore,
  NewPromotion,
  NewPromotionEvent,
  PromotionStore,
} from '../database/PromotionStore';
import { planPromotion } from './planPromotion';
import {
  AUTOMATIC_TRIGGERS,
  canonicalVersion,
  precedenceOf,
} from './precedence';
import { compareVersions } from './versionOrder';

/** A request to promote a version into an environment, from any entrance. */
export interface PromotionRequest {
  pipeline: PipelineKey;
  /** The environment to promote into. */
  environment: string;
  version: string;
  trigger: PromotionTrigger;
  requestedBy: string;
  /** The failed promotion this request retries. */
  retryOf?: string;
}

/** What {@link admitRequest} decided. */
export type Admission =
  /** An active row already promotes the version there: the request repeats it. */
  | { kind: 'existing'; record: PromotionRecord }
  /** An automatic trigger the precedence rules ignore, and why. */
  | { kind: 'ignored'; reason: string }
  /** The row to record. */
  | { kind: 'new'; promotion: NewPromotion; event: NewPromotionEvent };

export interface AdmissionOptions {
  store: Pick<
    PromotionStore,
    'findActive' | 'listActive' | 'listDeployed' | 'latestEnded' | 'events'
  >;
  holds: Pick<HoldStore, 'get'>;
  blocks?: Pick<VersionBlockStore, 'get'>;
  cache: Pick<PipelineCache, 'getPipelineObject' | 'getPipeline'>;
  /** Distinct approvers of a manual promotion unless the Pipeline says. */
  requiredApprovals?: number;
}

/**
 * Decides whether a request may become a ledger row, writing nothing: the version through
 * `parseVersion`, the plan (pipeline, environment, strategy), a block, an active row for
 * the same version, a hold (automatic triggers), the precedence rules (`precedenceOf`),
 * and a newer version already on its way (anything but a rollback).
 * @throws InputError for a bad version, the first environment or no strategy;
 *   NotFoundError for an unknown pipeline or environment; ConflictError when the version
 *   is blocked, the environment held, a newer version in flight, or the precedence rules
 *   refuse a person's request.
 */
export async function admitRequest(
  options: AdmissionOptions,
  req: PromotionRequest,
): Promise<Admission> {
  const { pipeline: key, environment } = req;
  const version = canonicalVersion(req.version);
  const { index, envs, promotion, pipeline } = planPromotion(
    options.cache,
    key,
    environment,
  );
  if (index === 0) {
    throw new InputError(
      `"${environment}" is the first environment of ${key.namespace}/${key.name}: nothing promotes into it`,
    );
  }
  if (!promotion)
    throw new InputError(
      `Pipeline ${key.namespace}/${key.name} has no promotion strategy for "${environment}"`,
    );
  const { store, holds } = options;
  const block = await options.blocks?.get(key, version);
  if (block)
    throw new ConflictError(
      `${version} is blocked by ${block.blockedBy}: ${block.reason}`,
    );
  const existing = await store.findActive(key, environment, version);
  if (existing) return { kind: 'existing', record: existing };
  if (AUTOMATIC_TRIGGERS.includes(req.trigger)) {
    const hold = await holds.get(key, environment);
    if (hold)
      throw new ConflictError(
        `"${environment}" is held by ${hold.heldBy} (${hold.reason}): no automatic promotion until it is released`,
      );
  }
  const precedence = await precedenceOf(options, { ...req, version });
  if (precedence.verdict === 'refuse')
    throw new ConflictError(precedence.reason);
  if (precedence.verdict === 'ignore')
    return { kind: 'ignored', reason: precedence.reason };
  if (req.trigger !== 'rollback') {
    const newer = (await store.listActive(key, environment)).find(
      r =>
        r.state !== 'waiting-approval' &&
        (compareVersions(r.version, version) ?? 0) > 0,
    );
    if (newer) {
      throw new ConflictError(
        `${newer.version} is already being promoted into "${environment}" (${newer.state}); an older version replaces it only by a rollback`,
      );
    }
  }
  return {
    kind: 'new',
    promotion: {
      pipeline: key,
      fromEnvironment: envs[index - 1].name,
      toEnvironment: environment,
      version,
      trigger: req.trigger,
      requestedBy: req.requestedBy,
      state: promotion.manual ? 'waiting-approval' : 'queued',
      strategy: promotion.strategy['pull-request']
        ? 'pull-request'
        : 'notification',
      retryOf: req.retryOf,
      requiredApprovals: requiredApprovalsFor(
        pipeline.metadata.annotations,
        environment,
        options.requiredApprovals ?? 1,
      ),
    },
    event: {
      type: 'requested',
      actor: req.requestedBy,
      message: `Requested ${version} into ${environment} (${req.trigger}${
        req.retryOf ? `, retrying ${req.retryOf}` : ''
      })${promotion.manual ? ': waiting for approval' : ''}`,
    },
  };
}
