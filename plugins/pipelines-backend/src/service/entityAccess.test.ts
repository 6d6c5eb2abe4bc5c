import { mockCredentials } from '@backstage/backend-test-utils';
import { createEntityAccess } from './entityAccess';

const ref = { kind: 'Component', namespace: 'default', name: 'podinfo' };
const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'podinfo', namespace: 'default' },
};

function setup(found: boolean = true) {
  const catalog = {
    getEntityByRef: jest.fn(async () => (found ? entity : undefined)),
  };
  let now = 1_000_000;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  const access = createEntityAccess({ catalog: catalog as any, ttlMs: 5_000 });
  return { access, catalog, advance: (ms: number) => (now += ms) };
}

afterEach(() => jest.restoreAllMocks());

describe('createEntityAccess', () => {
  it('asks the catalog with the caller’s credentials once per caller and entity within the TTL', async () => {
    const { access, catalog, advance } = setup();
    const alice = mockCredentials.user('user:default/alice');
    expect(await access(ref, alice)).toBe(entity);
    expect(await access({ ...ref, kind: 'component' }, alice)).toBe(entity);
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(1);
    expect(catalog.getEntityByRef).toHaveBeenCalledWith(ref, {
      credentials: alice,
    });
    // Another caller gets its own answer (the catalog's read rules are per caller).
    await access(ref, mockCredentials.user('user:default/bob'));
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(2);
    // After the TTL, asked again.
    advance(5_001);
    await access(ref, alice);
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(3);
  });

  it('answers 404 for an entity the catalog does not show, and keeps that answer only within the TTL', async () => {
    const { access, catalog, advance } = setup(false);
    const alice = mockCredentials.user('user:default/alice');
    await expect(access(ref, alice)).rejects.toThrow(
      'Entity component:default/podinfo not found',
    );
    await expect(access(ref, alice)).rejects.toThrow(/not found/);
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(1);
    advance(5_001);
    await expect(access(ref, alice)).rejects.toThrow(/not found/);
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(2);
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
