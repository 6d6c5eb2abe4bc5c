import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  pipelinesPromotionApprovePermission,
  pipelinesPromotionCreatePermission,
} from '@gitops-pipelines/plugin-pipelines-common';
import { actor, createPermissionChecks } from './requirePermission';

const key = { cluster: 'management', namespace: 'flux-system', name: 'p' };
const state = {
  getPipeline: () => ({ entityRef: 'component:default/podinfo' } as any),
};

function checks(serviceMutations?: string[]) {
  return createPermissionChecks({
    httpAuth: mockServices.httpAuth.mock(),
    permissions: mockServices.permissions.mock({
      authorizeConditional: async (requests: unknown[]) =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any,
    }),
    state,
    serviceMutations,
  });
}

describe('createPermissionChecks', () => {
  it('lets no service change a pipeline by default, naming the setting that would', async () => {
    await expect(
      checks().authorizeOnPipeline(
        mockCredentials.service('external:ci-bot'),
        pipelinesPromotionCreatePermission,
        key,
      ),
    ).rejects.toThrow(
      'Service external:ci-bot may not change pipelines; list it in pipelines.permissions.serviceMutations to allow it',
    );
    expect(
      await checks().actionsOn(mockCredentials.service('external:ci-bot'), [
        { entityRef: 'component:default/podinfo' },
      ]),
    ).toEqual([
      { create: false, approve: false, override: false, block: false },
    ]);
  });

  it('lets a listed service request, on the policy’s decision, and never decide', async () => {
    const bot = mockCredentials.service('external:ci-bot');
    const listed = checks(['external:ci-bot']);
    await expect(
      listed.authorizeOnPipeline(bot, pipelinesPromotionCreatePermission, key),
    ).resolves.toBeUndefined();
    await expect(
      listed.authorizeOnPipeline(
        bot,
        pipelinesPromotionApprovePermission,
        key,
        'users',
      ),
    ).rejects.toThrow('Only a signed-in user may do this');
    await expect(
      listed.authorizeOnPipeline(
        mockCredentials.service('external:other'),
        pipelinesPromotionCreatePermission,
        key,
      ),
    ).rejects.toThrow(/external:other may not change pipelines/);
  });

  it('names who acts, users normalised', () => {
    expect(actor(mockCredentials.user('user:default/Alice'))).toBe(
      'user:default/alice',
    );
    expect(actor(mockCredentials.service('external:ci-bot'))).toBe(
      'service:external:ci-bot',
    );
  });
});
