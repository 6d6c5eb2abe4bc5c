import { ANNOTATION_ENTITY, parsePipelineEntityRef } from './annotations';
import { parseEnvironmentValues } from './environmentValues';
import { ANNOTATION_FREEZE, parseFreeze } from './freeze';
import { ANNOTATION_SOAK, parseSoak } from './soak';
import type { ValidationIssue } from './validation';

/**
 * On a Pipeline: distinct approvers an environment's manual promotions need, e.g.
 * `"prod=2,test=1"`. Kept in Git with the Pipeline; environments not named use
 * `pipelines.approvals.required` (default 1).
 * @public
 */
export const ANNOTATION_REQUIRED_APPROVALS =
  'pipelines.weave.works/required-approvals';

/** The most approvers an environment can require. @public */
export const MAX_REQUIRED_APPROVALS = 10;

/**
 * Parses `env=N[,env=N…]` (N from 1 to {@link MAX_REQUIRED_APPROVALS}). Malformed
 * entries are reported, never guessed.
 * @public
 */
export function parseRequiredApprovals(value: string): {
  approvals: Record<string, number>;
  errors: string[];
} {
  const { values, errors } = parseEnvironmentValues(
    value,
    text => {
      const n = /^\d+$/.test(text) ? Number(text) : NaN;
      return n >= 1 && n <= MAX_REQUIRED_APPROVALS ? n : undefined;
    },
    `environment=N with N from 1 to ${MAX_REQUIRED_APPROVALS}`,
  );
  return { approvals: values, errors };
}

/**
 * The distinct approvers a manual promotion into `environment` needs: the Pipeline's
 * {@link ANNOTATION_REQUIRED_APPROVALS} for it, else `fallback`.
 * @public
 */
export function requiredApprovalsFor(
  annotations: Record<string, string> | undefined,
  environment: string,
  fallback: number,
): number {
  const value = annotations?.[ANNOTATION_REQUIRED_APPROVALS];
  return (
    (value && parseRequiredApprovals(value).approvals[environment]) || fallback
  );
}

/**
 * Issues with the Pipeline's own annotations (pipelines.weave.works/*): malformed values,
 * environments that do not exist. Part of {@link validatePipeline}: an invalid annotation
 * is an invalid Pipeline, reported in its Ready condition.
 * @public
 */
export function validatePipelineAnnotations(
  annotations: unknown,
  environments: string[],
): ValidationIssue[] {
  if (!annotations || typeof annotations !== 'object') return [];
  const checks: Array<
    [string, (v: string) => { errors: string[]; names: string[] }]
  > = [
    [
      ANNOTATION_ENTITY,
      v => {
        const { error } = parsePipelineEntityRef(v);
        return { errors: error ? [error] : [], names: [] };
      },
    ],
    [
      ANNOTATION_REQUIRED_APPROVALS,
      v => {
        const r = parseRequiredApprovals(v);
        return { errors: r.errors, names: Object.keys(r.approvals) };
      },
    ],
    [
      ANNOTATION_SOAK,
      v => {
        const r = parseSoak(v);
        return { errors: r.errors, names: Object.keys(r.soak) };
      },
    ],
    [
      ANNOTATION_FREEZE,
      v => {
        const r = parseFreeze(v);
        return {
          errors: r.errors,
          names: [...new Set(r.windows.map(w => w.environment))],
        };
      },
    ],
  ];
  return checks.flatMap(([annotation, parse]) => {
    const value = (annotations as Record<string, unknown>)[annotation];
    if (value === undefined) return [];
    const path = `metadata.annotations["${annotation}"]`;
    if (typeof value !== 'string')
      return [{ path, message: 'must be a string' }];
    const { errors, names } = parse(value);
    const unknown = names.filter(
      e => environments.length && !environments.includes(e),
    );
    return [
      ...errors.map(message => ({ path, message })),
      ...unknown.map(e => ({
        path,
        message: `"${e}" is not an environment of this pipeline (${environments.join(
          ', ',
        )})`,
      })),
    ];
  });
}
