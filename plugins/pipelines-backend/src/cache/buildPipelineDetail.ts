import {
  Condition,
  CONDITION_READY,
  ConditionReasons,
  EnvironmentState,
  Pipeline,
  PipelineDetail,
  PipelineKey,
  PipelineSummary,
  Promotion,
  PromotionStrategySummary,
  Target,
  TargetState,
  formatValidationIssue,
  getPipelineEntityRef,
  laneHealth,
  validatePipeline,
  VersionCount,
} from '@gitops-pipelines/plugin-pipelines-common';

/** Resolves one target of a pipeline to its live state (from the watch cache). */
export type TargetResolver = (
  pipeline: Pipeline,
  target: Target,
) => TargetState;

function strategySummary(
  promotion: Promotion | undefined,
): PromotionStrategySummary {
  const pr = promotion?.strategy?.['pull-request'];
  const hmac = Boolean(promotion?.strategy?.secretRef);
  if (pr) {
    return {
      kind: 'pull-request',
      manual: Boolean(promotion?.manual),
      hmac,
      pullRequest: { type: pr.type, url: pr.url, baseBranch: pr.baseBranch },
    };
  }
  if (promotion?.strategy?.notification) {
    return { kind: 'notification', manual: Boolean(promotion?.manual), hmac };
  }
  return { kind: 'none', manual: Boolean(promotion?.manual), hmac };
}

/** Versions across targets, most common first (ties: the order targets are listed). */
export function countVersions(targets: TargetState[]): VersionCount[] {
  const counts = new Map<string, number>();
  for (const t of targets) {
    if (t.version) counts.set(t.version, (counts.get(t.version) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([version, count]) => ({ version, count }))
    .sort((a, b) => b.count - a.count);
}

/**
 * The pipeline's `Ready` condition, as pipeline-controller reports it: False with
 * TargetClusterNotFound or TargetClusterNotReady naming the targets, else True with
 * ReconciliationSucceeded.
 */
export function readyCondition(
  environments: EnvironmentState[],
  generation: number | undefined,
  previous: Condition | undefined,
): Condition {
  const targets = environments.flatMap(e =>
    e.targets.map(t => ({ env: e.name, t })),
  );
  const describe = (list: typeof targets) =>
    list
      .map(
        ({ env, t }) =>
          `${env}: ${t.cluster}/${t.namespace}${
            t.message ? ` (${t.message})` : ''
          }`,
      )
      .join('; ');
  const notFound = targets.filter(x => x.t.health === 'cluster-not-found');
  const notReady = targets.filter(x => x.t.health === 'cluster-not-ready');
  let next: Omit<Condition, 'lastTransitionTime'>;
  if (notFound.length) {
    next = {
      type: CONDITION_READY,
      status: 'False',
      reason: ConditionReasons.TargetClusterNotFound,
      message: `Target cluster not found: ${describe(notFound)}`,
    };
  } else if (notReady.length) {
    next = {
      type: CONDITION_READY,
      status: 'False',
      reason: ConditionReasons.TargetClusterNotReady,
      message: `Target cluster not ready: ${describe(notReady)}`,
    };
  } else {
    next = {
      type: CONDITION_READY,
      status: 'True',
      reason: ConditionReasons.ReconciliationSucceeded,
      message: 'All target clusters are reachable',
    };
  }
  next.observedGeneration = generation;
  const lastTransitionTime =
    previous && previous.status === next.status
      ? previous.lastTransitionTime
      : new Date().toISOString();
  return { ...next, lastTransitionTime };
}

/** Everything the API says about one pipeline, computed from the cache. */
export function buildPipelineDetail(
  key: PipelineKey,
  raw: unknown,
  resolve: TargetResolver,
  previousReady?: Condition,
  /** The validator: `validatePipeline`, or a memoized one (validationCache). */
  validate: typeof validatePipeline = validatePipeline,
): PipelineDetail {
  const result = validate(raw);
  const obj = (
    raw !== null && typeof raw === 'object' ? raw : {}
  ) as Partial<Pipeline>;
  const generation = obj.metadata?.generation;
  const settings = Object.entries(obj.metadata?.annotations ?? {}).filter(
    ([k]) => k.startsWith('pipelines.weave.works/'),
  );
  const entityRef = getPipelineEntityRef(obj.metadata?.annotations);
  const base = {
    ...key,
    dataState: 'live' as const,
    ...(entityRef ? { entityRef } : {}),
    ...(obj.metadata?.uid ? { uid: obj.metadata.uid } : {}),
    ...(settings.length ? { annotations: Object.fromEntries(settings) } : {}),
    generation,
    observedGeneration: obj.status?.observedGeneration,
  };
  if (!result.valid) {
    const message = `Invalid spec: ${result.issues
      .map(formatValidationIssue)
      .join('; ')}`;
    return {
      ...base,
      spec: obj.spec,
      appRef: obj.spec?.appRef,
      conditions: [
        {
          type: CONDITION_READY,
          status: 'False',
          reason: ConditionReasons.InvalidSpec,
          message,
          observedGeneration: generation,
          lastTransitionTime:
            previousReady?.reason === ConditionReasons.InvalidSpec
              ? previousReady.lastTransitionTime
              : new Date().toISOString(),
        },
      ],
      validationErrors: result.issues,
      environments: [],
    };
  }
  const pipeline = result.pipeline;
  const environments: EnvironmentState[] = pipeline.spec.environments.map(
    env => {
      const targets = env.targets.map(t => resolve(pipeline, t));
      return {
        name: env.name,
        targets,
        versions: countVersions(targets),
        promotion: strategySummary(env.promotion ?? pipeline.spec.promotion),
      };
    },
  );
  return {
    ...base,
    spec: pipeline.spec,
    appRef: pipeline.spec.appRef,
    conditions: [readyCondition(environments, generation, previousReady)],
    validationErrors: [],
    environments,
  };
}

/** The list view of a pipeline. */
export function summarize(detail: PipelineDetail): PipelineSummary {
  return {
    cluster: detail.cluster,
    namespace: detail.namespace,
    name: detail.name,
    ...(detail.entityRef ? { entityRef: detail.entityRef } : {}),
    ...(detail.uid ? { uid: detail.uid } : {}),
    appRef: detail.appRef,
    environments: detail.environments.map(e => e.name),
    lanes: detail.environments.map(e => ({
      name: e.name,
      versions: e.versions,
      health: laneHealth(e),
    })),
    ready: detail.conditions.find(c => c.type === CONDITION_READY),
    validationErrors: detail.validationErrors.length,
  };
}
