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
 * The demo's second identity: a guest-like sign-in as `auth.providers.reviewer.userEntityRef`
 * (default `user:default/reviewer`), so that a promotion requested by the guest can be
 * approved by someone else. Like the guest provider, development only unless
 * `dangerouslyAllowOutsideDevelopment` is set.
 */
const reviewerAuthenticator = createProxyAuthenticator({
  defaultProfileTransform: async () => ({ profile: { displayName: 'Reviewer' } }),
  initialize({ config }) {
    return process.env.NODE_ENV !== 'development' && config.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') !== true;
  },
  async authenticate(_, disabled) {
    if (disabled) throw new NotAllowedError('The reviewer demo sign-in is for development only');
    return { result: {} };
  },
});

export const reviewerSignInModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-reviewer-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint, config: coreServices.rootConfig },
      async init({ providers, config }) {
        const settings = config.getOptionalConfig('auth.providers.reviewer');
        if (!settings) return;
        const userRef = settings.getOptionalString('userEntityRef') ?? 'user:default/reviewer';
        providers.registerProvider({
          providerId: 'reviewer',
          factory: createProxyAuthProviderFactory({
            authenticator: reviewerAuthenticator,
            async signInResolver(_, ctx) {
              try {
                return await ctx.signInWithCatalogUser({ entityRef: userRef });
              } catch {
                return ctx.issueToken({ claims: { sub: userRef, ent: [userRef] } });
              }
            },
          }),
        });
      },
    });
  },
});
