import { InputError, NotFoundError } from '@backstage/errors';
import {
  formatValidationIssue,
  Pipeline,
  PipelineKey,
  Promotion,
  validatePipeline,
} from '@gitops-pipelines/plugin-pipelines-common';
import type { KubeConfig } from '@kubernetes/client-node';
import { PipelineCache } from '../cache/PipelineCache';

/** Where a version goes and how. */
export interface PromotionPlan {
  pipeline: Pipeline;
  /** Index of the environment promoted into. */
  index: number;
  envs: Pipeline['spec']['environments'];
  /** The promotion settings that apply to the environment: its own, else the pipeline's. */
  promotion?: Promotion;
  /** The management cluster holding the Pipeline. */
  kubeConfig: KubeConfig;
}

/**
 * The promotion settings that apply to promotions into the environment at `index`: its own,
 * else the pipeline's (as a whole: an environment's `promotion` replaces the pipeline's). The
 * one rule for the plan, the webhooks' Secret and what the tab shows.
 */
export function promotionSettingsFor(
  pipeline: Pipeline,
  index: number,
): Promotion | undefined {
  return (
    pipeline.spec.environments[index]?.promotion ?? pipeline.spec.promotion
  );
}

/**
 * The plan for promoting into `environment` of a pipeline, from the watch cache.
 * @throws NotFoundError when the pipeline or the environment does not exist;
 *   InputError when the Pipeline is invalid (with every issue).
 */
export function planPromotion(
  cache: Pick<PipelineCache, 'getPipelineObject'>,
  key: PipelineKey,
  environment: string,
): PromotionPlan {
  const found = cache.getPipelineObject(key);
  if (!found) {
    throw new NotFoundError(
      `Pipeline ${key.namespace}/${key.name} not found on management cluster "${key.cluster}"`,
    );
  }
  const result = validatePipeline(found.object);
  if (!result.valid) {
    throw new InputError(
      `Pipeline ${key.namespace}/${key.name} is invalid: ${result.issues
        .map(formatValidationIssue)
        .join('; ')}`,
    );
  }
  const pipeline = result.pipeline;
  const envs = pipeline.spec.environments;
  const index = envs.findIndex(e => e.name === environment);
  if (index === -1) {
    throw new NotFoundError(
      `Environment "${environment}" is not in pipeline ${key.namespace}/${
        key.name
      } (${envs.map(e => e.name).join(', ')})`,
    );
  }
  return {
    pipeline,
    index,
    envs,
    promotion: promotionSettingsFor(pipeline, index),
    kubeConfig: found.kubeConfig,
  };
}
