import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  pipelinesPipelineReadPermission,
  pipelinesPromotionApprovePermission,
} from '@gitops-pipelines/plugin-pipelines-common';

/**
 * The demo's permission policy: everything is allowed, except approving promotions (and so
 * rejecting them and cancelling someone else's), which only members of the group that owns
 * the pipeline's entity may do. The decision is conditional on the catalog's own
 * `IS_ENTITY_OWNER` rule with the user's ownership claims (their user and group refs); the
 * pipelines backend evaluates it on the entity the Pipeline names in its
 * `pipelines.weave.works/entity` annotation (ADR 0008) — the same way a production policy
 * would write "owners approve prod". `reviewer` and `approver` (group `podinfo-owners`) own
 * `podinfo-gated`; `guest` and `outsider` do not.
 *
 * With `ownersRead` (config `demo.permissions.pipelineReaders: owners`, off by default; the
 * attack suite `npm run security` turns it on), reading a pipeline is for its owners too:
 * what an organisation with team-private pipelines writes.
 */
export class DemoPermissionPolicy implements PermissionPolicy {
  constructor(private readonly options: { ownersRead?: boolean } = {}) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (
      isPermission(request.permission, pipelinesPromotionApprovePermission) ||
      (this.options.ownersRead &&
        isPermission(request.permission, pipelinesPipelineReadPermission))
    ) {
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({
          claims: user?.info.ownershipEntityRefs ?? [],
        }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs {@link DemoPermissionPolicy} in the permission backend. */
export const demoPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'demo-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        const readers =
          config.getOptionalString('demo.permissions.pipelineReaders') ??
          'everyone';
        policy.setPolicy(
          new DemoPermissionPolicy({ ownersRead: readers === 'owners' }),
        );
      },
    });
  },
});
