import type {
  Pipeline,
  Promotion,
  ValidationIssue,
} from '@gitops-pipelines/plugin-pipelines-common';
import { ForgeRefusedError, Forges } from './forges';

/**
 * The issues of a valid Pipeline's pull-request `url`s under this backend's forges: one per
 * promotion (the pipeline's and each environment's) whose `url` `Forges.endpoint` refuses,
 * with its message, at the field's path. The cache adds them to the validation, so the
 * Pipeline's Ready condition says `InvalidSpec` and why, before any promotion is tried.
 */
export function pullRequestUrlIssues(
  forges: Pick<Forges, 'endpoint'>,
): (pipeline: Pipeline) => ValidationIssue[] {
  return pipeline => {
    const promotions: Array<[string, Promotion | undefined]> = [
      ['spec.promotion', pipeline.spec.promotion],
      ...pipeline.spec.environments.map(
        (env, i): [string, Promotion | undefined] => [
          `spec.environments[${i}].promotion`,
          env.promotion,
        ],
      ),
    ];
    const issues: ValidationIssue[] = [];
    for (const [at, promotion] of promotions) {
      const pr = promotion?.strategy?.['pull-request'];
      if (!pr) continue;
      try {
        forges.endpoint(pr.url, pr.type);
      } catch (e) {
        if (!(e instanceof ForgeRefusedError)) throw e;
        issues.push({
          path: `${at}.strategy.pull-request.url`,
          message: e.message,
        });
      }
    }
    return issues;
  };
}
