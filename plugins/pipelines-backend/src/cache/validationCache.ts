import {
  Pipeline,
  validatePipeline,
  ValidationIssue,
} from '@gitops-pipelines/plugin-pipelines-common';

/**
 * `validatePipeline`, and then `check` on a valid Pipeline: the backend's own rules (its
 * known forges), whose issues make the Pipeline invalid too.
 */
export function withSpecCheck(
  check?: (pipeline: Pipeline) => ValidationIssue[],
): typeof validatePipeline {
  if (!check) return validatePipeline;
  return raw => {
    const result = validatePipeline(raw);
    if (!result.valid) return result;
    const issues = check(result.pipeline);
    return issues.length ? { valid: false, issues } : result;
  };
}

/**
 * `validatePipeline` memoized per Pipeline generation (`namespace/name`, `uid` and
 * `metadata.generation`): the spec only changes with the generation, so recomputations after
 * app events or status writes do not validate again. Objects without a generation are
 * validated every time. Bounded: cleared past 10,000 entries. `validate` defaults to
 * `validatePipeline`.
 */
export function validationCache(
  validate: typeof validatePipeline = validatePipeline,
): typeof validatePipeline {
  const cache = new Map<string, ReturnType<typeof validatePipeline>>();
  return raw => {
    const meta = (
      raw as {
        metadata?: {
          namespace?: string;
          name?: string;
          uid?: string;
          generation?: number;
        };
      } | null
    )?.metadata;
    if (meta?.generation === undefined) return validate(raw);
    const key = `${meta.namespace}/${meta.name}@${meta.uid ?? ''}@${
      meta.generation
    }`;
    let result = cache.get(key);
    if (!result) {
      if (cache.size > 10_000) cache.clear();
      result = validate(raw);
      cache.set(key, result);
    }
    return result;
  };
}
