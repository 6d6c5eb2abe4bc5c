import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * Read pipelines and their promotion history. Checked against the catalog entity the
 * pipeline is linked to, so catalog rules (e.g. ownership) apply.
 * @public
 */
export const pipelinesPipelineReadPermission = createPermission({
  name: 'pipelines.pipeline.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Request a promotion (Promote button, API, scaffolder action).
 * @public
 */
export const pipelinesPromotionCreatePermission = createPermission({
  name: 'pipelines.promotion.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Approve or reject a promotion waiting for manual approval.
 * @public
 */
export const pipelinesPromotionApprovePermission = createPermission({
  name: 'pipelines.promotion.approve',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Block a version of a pipeline (it is promoted no further; its open promotions are
 * cancelled), and unblock it.
 * @public
 */
export const pipelinesVersionBlockPermission = createPermission({
  name: 'pipelines.version.block',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Break the glass: let a queued promotion into a frozen environment (`pipelines.weave.works/freeze`)
 * proceed now, with a reason (audited).
 * @public
 */
export const pipelinesPromotionOverridePermission = createPermission({
  name: 'pipelines.promotion.override',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Every permission of the pipelines plugins. @public */
export const pipelinesPermissions = [
  pipelinesPipelineReadPermission,
  pipelinesPromotionCreatePermission,
  pipelinesPromotionApprovePermission,
  pipelinesVersionBlockPermission,
  pipelinesPromotionOverridePermission,
];

/**
 * An identity as pipelines compares it (requester, approver, canceller): a user or group
 * entity ref `kind:[namespace/]name` in lower case with the namespace filled in
 * (`user:Alice` → `user:default/alice`, as the catalog matches names); anything else
 * (`service:…`, `pipelines:…` actors) unchanged.
 * @public
 */
export function normalizeIdentityRef(ref: string): string {
  const match = /^(user|group):(?:([^:/\s]+)\/)?([^:/\s]+)$/i.exec(ref.trim());
  if (!match) return ref;
  const [, kind, namespace = 'default', name] = match;
  return `${kind}:${namespace}/${name}`.toLocaleLowerCase('en-US');
}

/** Whether two identities are the same person or service ({@link normalizeIdentityRef}). @public */
export function sameIdentity(a: string, b: string): boolean {
  return normalizeIdentityRef(a) === normalizeIdentityRef(b);
}
