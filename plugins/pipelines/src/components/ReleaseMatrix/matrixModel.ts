import { Entity } from '@backstage/catalog-model';
import {
  compareVersions,
  getEntityPipelineCluster,
  getEntityPipelineRefs,
  LaneSummary,
  PipelineSummary,
} from '@gitops-pipelines/plugin-pipelines-common';

/** A row of the release matrix: a pipeline, the catalog entities linked to it, and its filters' facets. */
export interface MatrixRow {
  pipeline: PipelineSummary;
  entities: Entity[];
  owners: string[];
  systems: string[];
}

/** Why a cell stands out: behind the environment before it, or targets on different versions. */
export type CellDrift = 'behind' | 'mixed';

const keyOf = (p: { cluster: string; namespace: string; name: string }) =>
  `${p.cluster}/${p.namespace}/${p.name}`;

/**
 * The matrix's columns: every environment name, in pipeline order — a topological order of
 * "comes right after" in each pipeline, ties (and conflicting orders) broken by first
 * appearance.
 */
export function matrixColumns(pipelines: PipelineSummary[]): string[] {
  const seen: string[] = [];
  const after = new Map<string, Set<string>>();
  const inDegree = new Map<string, number>();
  for (const p of pipelines) {
    p.environments.forEach((env, i) => {
      if (!inDegree.has(env)) {
        seen.push(env);
        inDegree.set(env, 0);
        after.set(env, new Set());
      }
      const previous = p.environments[i - 1];
      if (previous !== undefined && !after.get(previous)!.has(env)) {
        after.get(previous)!.add(env);
        inDegree.set(env, inDegree.get(env)! + 1);
      }
    });
  }
  const columns: string[] = [];
  while (columns.length < seen.length) {
    const remaining = seen.filter(e => !columns.includes(e));
    const next = remaining.find(e => inDegree.get(e) === 0) ?? remaining[0];
    columns.push(next);
    inDegree.set(next, -1);
    for (const e of after.get(next)!) inDegree.set(e, inDegree.get(e)! - 1);
  }
  return columns;
}

/**
 * Joins pipelines with the catalog entities whose annotations link them (their cluster
 * annotation, else `defaultCluster`), with the owners and Systems of those entities.
 */
export function matrixRows(
  pipelines: PipelineSummary[],
  entities: Entity[],
  defaultCluster: string | undefined,
): MatrixRow[] {
  const linked = new Map<string, Entity[]>();
  for (const entity of entities) {
    const cluster = getEntityPipelineCluster(entity) ?? defaultCluster;
    for (const ref of getEntityPipelineRefs(entity).refs) {
      const key = keyOf({ cluster: cluster ?? '', ...ref });
      linked.set(key, [...(linked.get(key) ?? []), entity]);
    }
  }
  return pipelines.map(pipeline => {
    const found = linked.get(keyOf(pipeline)) ?? [];
    const facet = (value: (e: Entity) => unknown) =>
      [
        ...new Set(
          found.map(value).filter((v): v is string => typeof v === 'string'),
        ),
      ].sort();
    return {
      pipeline,
      entities: found,
      owners: facet(e => e.spec?.owner),
      systems: facet(e => e.spec?.system),
    };
  });
}

/** Drift of lane `i`: targets on several versions, or an older version than lane `i - 1` runs. */
export function cellDrift(
  lanes: LaneSummary[],
  i: number,
): CellDrift | undefined {
  const lane = lanes[i];
  if (lane.versions.length > 1) return 'mixed';
  const current = lane.versions[0]?.version;
  const before = lanes[i - 1]?.versions[0]?.version;
  if (!current || !before || before === current) return undefined;
  return (compareVersions(current, before) ?? 0) < 0 ? 'behind' : undefined;
}
