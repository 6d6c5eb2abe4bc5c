import type {
  Condition,
  PipelineDetail,
} from '@gitops-pipelines/plugin-pipelines-common';

/**
 * A Pipeline's detail with more conditions after its own (PipelineCacheOptions.extraConditions),
 * each keeping the `lastTransitionTime` of the previous detail's condition of its type while
 * its status is the same, so an unchanged pipeline stays the same object.
 */
export function withConditions(
  detail: PipelineDetail,
  extra: Array<Omit<Condition, 'lastTransitionTime'>>,
  previous: PipelineDetail | undefined,
): PipelineDetail {
  if (!extra.length) return detail;
  const conditions = extra.map(c => {
    const before = previous?.conditions.find(x => x.type === c.type);
    return {
      ...c,
      lastTransitionTime:
        before?.status === c.status
          ? before.lastTransitionTime
          : new Date().toISOString(),
    };
  });
  return { ...detail, conditions: [...detail.conditions, ...conditions] };
}
