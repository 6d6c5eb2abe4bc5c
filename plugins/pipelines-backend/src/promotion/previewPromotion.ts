import {
  InputError,
  NotImplementedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  PipelineKey,
  PromotionPreview,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';
import { PipelineCache } from '../cache/PipelineCache';
import { planPromotion } from './planPromotion';
import { canonicalVersion } from './precedence';
import {
  PromotionError,
  PromotionStrategy,
} from './strategies/PromotionStrategy';

/** Previews promotions: `(pipeline, environment, version)` → what the promotion would do. */
export type PromotionPreviewer = (
  key: PipelineKey,
  environment: string,
  version: string,
) => Promise<PromotionPreview>;

/** Stands for the ledger id in a preview (a request gets its own). */
export const PREVIEW_PROMOTION_ID = '(assigned when requested)';

/**
 * A previewer over the strategies the runner uses, so that the preview is exactly what a
 * request would do: the same plan (environment, strategy, marker, branch) from the watch
 * cache, and the strategy's own dry run (`PromotionStrategy.preview`).
 * @throws (the previewer) InputError for a version off the pattern (parseVersion), the
 *   first environment or no strategy;
 *   NotFoundError for an unknown pipeline or environment; InputError when the strategy
 *   refuses for good (a pull-request url that is not a known forge, no marked field);
 *   ServiceUnavailableError when the repository cannot be read now.
 */
export function createPromotionPreviewer(deps: {
  cache: Pick<PipelineCache, 'getPipelineObject'>;
  strategies: PromotionStrategy[];
}): PromotionPreviewer {
  return async (key, environment, requested) => {
    // what a request would be made with: a version off the pattern is refused, never previewed
    const version = canonicalVersion(requested);
    const plan = planPromotion(deps.cache, key, environment);
    if (plan.index === 0)
      throw new InputError(
        `"${environment}" is the first environment of ${key.namespace}/${key.name}: nothing promotes into it`,
      );
    if (!plan.promotion)
      throw new InputError(
        `Pipeline ${key.namespace}/${key.name} has no promotion strategy for "${environment}"`,
      );
    const kind = plan.promotion.strategy['pull-request']
      ? 'pull-request'
      : 'notification';
    const strategy = deps.strategies.find(s => s.name === kind);
    if (!strategy?.preview)
      throw new NotImplementedError(
        `The ${kind} strategy cannot preview in this version of the pipelines backend`,
      );
    const now = new Date().toISOString();
    const record: PromotionRecord = {
      id: PREVIEW_PROMOTION_ID,
      pipeline: key,
      fromEnvironment: plan.envs[plan.index - 1].name,
      toEnvironment: environment,
      version,
      trigger: 'user',
      requestedBy: 'preview',
      approvals: [],
      requiredApprovals: 1,
      state: 'queued',
      strategy: kind,
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    };
    try {
      return await strategy.preview({
        record,
        pipeline: plan.pipeline,
        promotion: plan.promotion,
        kubeConfig: plan.kubeConfig,
      });
    } catch (e) {
      if (e instanceof PromotionError && !e.retryable)
        throw new InputError(`Cannot preview the promotion: ${e.message}`);
      if (e instanceof PromotionError)
        throw new ServiceUnavailableError(
          `Cannot preview the promotion now: ${e.message}`,
        );
      throw e;
    }
  };
}
