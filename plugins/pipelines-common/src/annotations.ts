import { makeValidator, type Entity } from '@backstage/catalog-model';
import { isValidDnsLabel, isValidDnsSubdomain } from './names';

/**
 * Links a catalog entity to one or more Pipelines: comma-separated
 * `namespace/name` references, e.g. `flux-system/podinfo-02`.
 * @public
 */
export const ANNOTATION_PIPELINE = 'pipelines.weave.works/pipeline';

/**
 * Optional: the management cluster (by its name in Backstage's config) that holds
 * the referenced Pipelines.
 * @public
 */
export const ANNOTATION_CLUSTER = 'pipelines.weave.works/cluster';

/**
 * On a Pipeline: the catalog entity that owns it, e.g. `component:default/podinfo`
 * (`kind:[namespace/]name`, namespace `default` when left out). Every permission decision
 * about the Pipeline is made on this entity, so catalog rules (ownership) apply; it is
 * written by whoever may write the Pipeline, never taken from a request. An entity's own
 * {@link ANNOTATION_PIPELINE} only links it for display.
 * @public
 */
export const ANNOTATION_ENTITY = 'pipelines.weave.works/entity';

const entityRefParts = makeValidator();

/**
 * Parses the value of {@link ANNOTATION_ENTITY}: one entity ref, `kind:[namespace/]name`,
 * returned normalised (lower case, namespace filled in) as `ref`, or why it is not one.
 * @public
 */
export function parsePipelineEntityRef(value: string): {
  ref?: string;
  error?: string;
} {
  const text = value.trim();
  const match = /^([^:/\s]+):(?:([^:/\s]+)\/)?([^:/\s]+)$/.exec(text);
  if (!match)
    return {
      error: `"${text}" is not one entity ref of the form kind:namespace/name, e.g. component:default/podinfo`,
    };
  const [, kind, namespace = 'default', name] = match;
  const lower = (s: string) => s.toLocaleLowerCase('en-US');
  // Namespaces compare in lower case in the catalog; kinds and names keep theirs to be checked.
  const checks: Array<[boolean, string]> = [
    [entityRefParts.isValidKind(kind), `kind "${kind}"`],
    [
      entityRefParts.isValidNamespace(lower(namespace)),
      `namespace "${namespace}"`,
    ],
    [entityRefParts.isValidEntityName(name), `name "${name}"`],
  ];
  const bad = checks.find(([valid]) => !valid)?.[1];
  if (bad)
    return { error: `"${text}": ${bad} is not valid in a catalog entity ref` };
  return { ref: `${lower(kind)}:${lower(namespace)}/${lower(name)}` };
}

/**
 * The entity a Pipeline names in {@link ANNOTATION_ENTITY}, normalised; undefined when it
 * names none or the value is invalid (an invalid value makes the Pipeline invalid, see
 * `validatePipelineAnnotations`).
 * @public
 */
export function getPipelineEntityRef(
  annotations: Record<string, string> | undefined,
): string | undefined {
  const value = annotations?.[ANNOTATION_ENTITY];
  return typeof value === 'string'
    ? parsePipelineEntityRef(value).ref
    : undefined;
}

/**
 * On a Pipeline: `"true"` or `"false"` turns level-triggered promotions on or off for it,
 * whatever `pipelines.levelTriggers` says.
 * @public
 */
export const ANNOTATION_LEVEL_TRIGGER = 'pipelines.weave.works/level-trigger';

/**
 * Whether level-triggered promotions apply to a Pipeline: its
 * {@link ANNOTATION_LEVEL_TRIGGER} annotation when it is `true` or `false`, else `fallback`
 * (the `pipelines.levelTriggers` setting, default false as in pipeline-controller).
 * @public
 */
export function isLevelTriggerEnabled(
  annotations: Record<string, string> | undefined,
  fallback: boolean,
): boolean {
  const value = annotations?.[ANNOTATION_LEVEL_TRIGGER]?.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  return fallback;
}

/** A parsed `namespace/name` reference. @public */
export interface PipelineRef {
  namespace: string;
  name: string;
}

/** The result of parsing the pipeline annotation. @public */
export interface ParsedPipelineAnnotation {
  refs: PipelineRef[];
  /** Entries that are not valid `namespace/name` references, with why. */
  errors: string[];
}

/**
 * Parses a `namespace/name[, namespace/name…]` list. Blank entries are ignored and
 * duplicates are dropped; malformed entries are reported, not silently lost.
 * @public
 */
export function parsePipelineRefs(value: string): ParsedPipelineAnnotation {
  const refs: PipelineRef[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const parts = entry.split('/');
    if (parts.length !== 2) {
      errors.push(`"${entry}": expected namespace/name`);
      continue;
    }
    const [namespace, name] = parts.map(p => p.trim());
    if (!isValidDnsLabel(namespace)) {
      errors.push(`"${entry}": "${namespace}" is not a valid namespace`);
      continue;
    }
    if (!isValidDnsSubdomain(name)) {
      errors.push(`"${entry}": "${name}" is not a valid name`);
      continue;
    }
    const key = `${namespace}/${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    refs.push({ namespace, name });
  }
  return { refs, errors };
}

/** Formats a reference back to `namespace/name`. @public */
export function stringifyPipelineRef(ref: PipelineRef): string {
  return `${ref.namespace}/${ref.name}`;
}

/**
 * The pipelines an entity links to, or an empty list when it has no annotation.
 * @public
 */
export function getEntityPipelineRefs(
  entity: Entity,
): ParsedPipelineAnnotation {
  const value = entity.metadata.annotations?.[ANNOTATION_PIPELINE];
  return value ? parsePipelineRefs(value) : { refs: [], errors: [] };
}

/** The management cluster an entity names, if any. @public */
export function getEntityPipelineCluster(entity: Entity): string | undefined {
  const value = entity.metadata.annotations?.[ANNOTATION_CLUSTER]?.trim();
  return value || undefined;
}

/**
 * True when the entity carries a non-empty pipeline annotation: the Pipeline tab and
 * card are shown only then.
 * @public
 */
export function isPipelinesAvailable(entity: Entity): boolean {
  return Boolean(entity.metadata.annotations?.[ANNOTATION_PIPELINE]?.trim());
}
