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
  const approvals: Record<string, number> = {};
  const errors: string[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\s*=\s*(\d+)$/.exec(entry);
    const n = m ? Number(m[3]) : NaN;
    if (!m || n < 1 || n > MAX_REQUIRED_APPROVALS) {
      errors.push(
        `"${entry}" is not environment=N with N from 1 to ${MAX_REQUIRED_APPROVALS}`,
      );
      continue;
    }
    if (approvals[m[1]] !== undefined) errors.push(`"${m[1]}" is given twice`);
    approvals[m[1]] = n;
  }
  return { approvals, errors };
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
  const value = (annotations as Record<string, unknown>)[
    ANNOTATION_REQUIRED_APPROVALS
  ];
  if (value === undefined) return [];
  const path = `metadata.annotations["${ANNOTATION_REQUIRED_APPROVALS}"]`;
  if (typeof value !== 'string') return [{ path, message: 'must be a string' }];
  const { approvals, errors } = parseRequiredApprovals(value);
  const unknown = Object.keys(approvals).filter(
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
}
