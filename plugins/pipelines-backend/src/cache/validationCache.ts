import { validatePipeline } from '@gitops-pipelines/plugin-pipelines-common';

/**
 * `validatePipeline` memoized per Pipeline generation (`namespace/name`, `uid` and
 * `metadata.generation`): the spec only changes with the generation, so recomputations after
 * app events or status writes do not validate again. Objects without a generation are
 * validated every time. Bounded: cleared past 10,000 entries.
 */
export function validationCache(): typeof validatePipeline {
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
    if (meta?.generation === undefined) return validatePipeline(raw);
    const key = `${meta.namespace}/${meta.name}@${meta.uid ?? ''}@${
      meta.generation
    }`;
    let result = cache.get(key);
    if (!result) {
      if (cache.size > 10_000) cache.clear();
      result = validatePipeline(raw);
      cache.set(key, result);
    }
    return result;
  };
}
