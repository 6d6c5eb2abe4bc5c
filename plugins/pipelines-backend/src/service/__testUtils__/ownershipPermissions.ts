import { mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';

/**
 * A permission service that decides as Backstage's permission framework does with a policy
 * of "owners only" (the catalog's `IS_ENTITY_OWNER` with the user's ownership claims):
 *
 * - the policy sees the permission and the caller only: users get a CONDITIONAL decision
 *   (catalog-entity, `IS_ENTITY_OWNER`), services an unconditional ALLOW;
 * - `authorize` with a `resourceRef` evaluates the condition on that entity: ALLOW when one
 *   of the user's claims owns it, as the catalog's apply-conditions endpoint would.
 *
 * `owners` maps entity refs to their owner's ref, `claims` user refs to their ownership
 * claims (their own ref and their groups'). Every call is counted in `calls`.
 */
export function ownershipPermissions(options: {
  owners: Record<string, string>;
  claims: Record<string, string[]>;
}) {
  const calls = { authorize: 0, authorizeConditional: 0, resources: 0 };
  // Refs compare case-insensitively, as the catalog compares them.
  const userOf = (o: any): string | undefined =>
    o?.credentials?.principal?.type === 'user'
      ? o.credentials.principal.userEntityRef.toLocaleLowerCase('en-US')
      : undefined;
  const policy = (user: string | undefined): PolicyDecision =>
    user
      ? {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'catalog',
          resourceType: 'catalog-entity',
          conditions: {
            rule: 'IS_ENTITY_OWNER',
            resourceType: 'catalog-entity',
            params: { claims: options.claims[user] ?? [user] },
          },
        }
      : { result: AuthorizeResult.ALLOW };
  const service = mockServices.permissions.mock({
    authorizeConditional: (async (requests: unknown[], o: unknown) => {
      calls.authorizeConditional += 1;
      return requests.map(() => policy(userOf(o)));
    }) as any,
    authorize: (async (
      requests: Array<{ resourceRef?: string }>,
      o: unknown,
    ) => {
      calls.authorize += 1;
      calls.resources += requests.length;
      const user = userOf(o);
      return requests.map(r => {
        if (!user) return { result: AuthorizeResult.ALLOW };
        const owner = r.resourceRef && options.owners[r.resourceRef];
        const claims = options.claims[user] ?? [user];
        return {
          result:
            owner && claims.includes(owner)
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        };
      });
    }) as any,
  });
  return { service, calls };
}
