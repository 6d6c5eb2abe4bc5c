import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createEntityAccess } from './entityAccess';

const ref = { kind: 'Component', namespace: 'default', name: 'podinfo' };
const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'podinfo', namespace: 'default' },
};

function setup(result: AuthorizeResult = AuthorizeResult.ALLOW) {
  const catalog = { getEntityByRef: jest.fn(async () => entity) };
  const permissions = mockServices.permissions.mock({
    authorize: jest.fn(async () => [{ result }]) as any,
  });
  let now = 1_000_000;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  const access = createEntityAccess({
    catalog: catalog as any,
    permissions,
    ttlMs: 5_000,
  });
  return { access, catalog, permissions, advance: (ms: number) => (now += ms) };
}

afterEach(() => jest.restoreAllMocks());

describe('createEntityAccess', () => {
  it('asks the catalog and the permission framework once per caller and entity within the TTL', async () => {
    const { access, catalog, permissions, advance } = setup();
    const alice = mockCredentials.user('user:default/alice');
    expect(await access(ref, alice)).toBe(entity);
    expect(await access({ ...ref, kind: 'component' }, alice)).toBe(entity);
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(1);
    expect(permissions.authorize).toHaveBeenCalledWith(
      [expect.objectContaining({ resourceRef: 'component:default/podinfo' })],
      { credentials: alice },
    );
    // Another caller gets its own decision.
    await access(ref, mockCredentials.user('user:default/bob'));
    expect(permissions.authorize).toHaveBeenCalledTimes(2);
    // After the TTL, asked again.
    advance(5_001);
    await access(ref, alice);
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(3);
  });

  it('refuses a caller without the permission, and keeps that answer only within the TTL', async () => {
    const { access, permissions, advance } = setup(AuthorizeResult.DENY);
    const alice = mockCredentials.user('user:default/alice');
    await expect(access(ref, alice)).rejects.toThrow(
      'Not allowed to read the pipelines of component:default/podinfo',
    );
    await expect(access(ref, alice)).rejects.toThrow(/Not allowed/);
    expect(permissions.authorize).toHaveBeenCalledTimes(1);
    advance(5_001);
    await expect(access(ref, alice)).rejects.toThrow(/Not allowed/);
    expect(permissions.authorize).toHaveBeenCalledTimes(2);
  });

  it('does not keep a failure of the catalog itself', async () => {
    const { access, catalog } = setup();
    catalog.getEntityByRef.mockRejectedValueOnce(
      new Error('catalog unavailable'),
    );
    const alice = mockCredentials.user('user:default/alice');
    await expect(access(ref, alice)).rejects.toThrow('catalog unavailable');
    expect(await access(ref, alice)).toBe(entity);
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(2);
  });
});
