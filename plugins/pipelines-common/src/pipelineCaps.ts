import type { ValidationIssue } from './validation';

/**
 * What one Pipeline may make the backend do: every environment and target is state the
 * backend keeps, every distinct cluster is a connection with its own watches, and every
 * environment a promotion path. A Pipeline over a cap is invalid (its `Ready` condition
 * says which cap, `InvalidSpec`): it is not watched and nothing is promoted through it.
 * Split a larger delivery into several Pipelines.
 * @public
 */
export const PIPELINE_CAPS = {
  /** Environments in `spec.environments`. */
  environments: 20,
  /** Targets in one environment. */
  targetsPerEnvironment: 50,
  /** Targets across all environments. */
  targets: 100,
  /** Distinct clusters the targets name (the Pipeline's own cluster counts as one). */
  clusters: 20,
} as const;

const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : [];

const asObject = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/** The cluster a target names: its `clusterRef`, or the Pipeline's own. */
function clusterOf(target: unknown, pipelineNamespace: string): string {
  const ref = asObject(asObject(target).clusterRef);
  if (ref.name === undefined) return '(the Pipeline’s own cluster)';
  return `${String(ref.kind ?? '')}/${String(
    ref.namespace ?? pipelineNamespace,
  )}/${String(ref.name)}`;
}

/**
 * The {@link PIPELINE_CAPS} a Pipeline's spec goes over, each with the path of the list
 * and what to do. Reads whatever shape the spec has (its fields are checked elsewhere).
 * @public
 */
export function checkPipelineCaps(
  spec: unknown,
  pipelineNamespace = 'default',
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const environments = asList(asObject(spec).environments);
  const split = 'split the delivery into several Pipelines';
  if (environments.length > PIPELINE_CAPS.environments)
    issues.push({
      path: 'spec.environments',
      message: `has ${environments.length} environments: a Pipeline has at most ${PIPELINE_CAPS.environments}; ${split}`,
    });
  let targets = 0;
  const clusters = new Set<string>();
  environments.forEach((env, i) => {
    const list = asList(asObject(env).targets);
    targets += list.length;
    list.forEach(t => clusters.add(clusterOf(t, pipelineNamespace)));
    if (list.length > PIPELINE_CAPS.targetsPerEnvironment)
      issues.push({
        path: `spec.environments[${i}].targets`,
        message: `has ${list.length} targets: an environment has at most ${PIPELINE_CAPS.targetsPerEnvironment}; ${split}`,
      });
  });
  if (targets > PIPELINE_CAPS.targets)
    issues.push({
      path: 'spec.environments',
      message: `has ${targets} targets in all: a Pipeline has at most ${PIPELINE_CAPS.targets}; ${split}`,
    });
  if (clusters.size > PIPELINE_CAPS.clusters)
    issues.push({
      path: 'spec.environments',
      message: `targets ${clusters.size} distinct clusters: a Pipeline reaches at most ${PIPELINE_CAPS.clusters}; ${split}`,
    });
  return issues;
}
