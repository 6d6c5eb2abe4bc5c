import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/**
 * The demo's extra identities, besides the guest, so that approvals can be shown with
 * several people: `reviewer` and `approver` (members of the group owning podinfo-gated)
 * and `outsider` (not a member). Each is a sign-in provider of that id, configured as
 * `auth.providers.<id>.userEntityRef`.
 */
export const DEMO_IDENTITIES = ['reviewer', 'approver', 'outsider'];

/**
 * Like the guest provider, development only unless `dangerouslyAllowOutsideDevelopment` is
 * set: these sign-ins ask for no credentials.
 */
const demoAuthenticator = createProxyAuthenticator({
  defaultProfileTransform: async () => ({ profile: {} }),
  initialize({ config }) {
    return (
      process.env.NODE_ENV !== 'development' &&
      config.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') !== true
    );
  },
  async authenticate(_, disabled) {
    if (disabled)
      throw new NotAllowedError('The demo sign-ins are for development only');
    return { result: {} };
  },
});

export const demoSignInModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-identities',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ providers, config }) {
        for (const id of DEMO_IDENTITIES) {
          const settings = config.getOptionalConfig(`auth.providers.${id}`);
          if (!settings) continue;
          const userRef =
            settings.getOptionalString('userEntityRef') ?? `user:default/${id}`;
          providers.registerProvider({
            providerId: id,
            factory: createProxyAuthProviderFactory({
              authenticator: demoAuthenticator,
              async signInResolver(_, ctx) {
                try {
                  // From the catalog: the user's groups become ownership claims.
                  return await ctx.signInWithCatalogUser({
                    entityRef: userRef,
                  });
                } catch {
                  return ctx.issueToken({
                    claims: { sub: userRef, ent: [userRef] },
                  });
                }
              },
            }),
          });
        }
      },
    });
  },
});
