import { mockCredentials } from '@backstage/backend-test-utils';
import { pipelinesPipelineReadPermission } from '@gitops-pipelines/plugin-pipelines-common';
import { ownershipPermissions } from './__testUtils__/ownershipPermissions';
import { createPipelineDecisions } from './pipelineDecisions';

const PIPELINES = 5_000;
/** 5,000 pipelines, each of its own team's entity; every tenth names no entity. */
const entityRefs = Array.from({ length: PIPELINES }, (_, i) =>
  i % 10 === 9 ? undefined : `component:default/app-${i}`,
);
const owners = Object.fromEntries(
  entityRefs.flatMap((r, i) =>
    r ? [[r, `group:default/team-${i % 50}`]] : [],
  ),
);
const alice = mockCredentials.user('user:default/alice');

function setup() {
  const { service, calls } = ownershipPermissions({
    owners,
    claims: {
      'user:default/alice': ['user:default/alice', 'group:default/team-7'],
    },
  });
  let now = 1_000_000;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  const decisions = createPipelineDecisions({
    permissions: service,
    ttlMs: 5_000,
  });
  return { decisions, calls, advance: (ms: number) => (now += ms) };
}

afterEach(() => jest.restoreAllMocks());

describe('createPipelineDecisions', () => {
  it('decides 5,000 pipelines for a conditional policy in one policy call and one batched authorize call, then from the cache', async () => {
    const { decisions, calls, advance } = setup();
    const started = Date.now();
    const verdicts = await decisions.decide(
      alice,
      pipelinesPipelineReadPermission,
      entityRefs,
    );
    // team-7 owns app-7, app-57, app-107, …: 100 entities, none of them without an entity.
    const readable = verdicts.flatMap((ok, i) => (ok ? [i] : []));
    expect(readable).toHaveLength(100);
    expect(readable.every(i => i % 50 === 7)).toBe(true);
    expect(calls).toEqual({
      authorizeConditional: 1,
      authorize: 1,
      resources: 4_500,
    });
    // Within the TTL: no call at all.
    await decisions.decide(alice, pipelinesPipelineReadPermission, entityRefs);
    expect(calls.authorize + calls.authorizeConditional).toBe(2);
    expect(Date.now() - started).toBeLessThan(5_000);
    // After it, asked again, once each.
    advance(5_001);
    await decisions.decide(alice, pipelinesPipelineReadPermission, entityRefs);
    expect(calls).toEqual({
      authorizeConditional: 2,
      authorize: 2,
      resources: 9_000,
    });
  });

  it('asks only for the entities not yet decided, and one entity named by many pipelines once', async () => {
    const { decisions, calls } = setup();
    await decisions.decide(alice, pipelinesPipelineReadPermission, [
      'component:default/app-7',
    ]);
    const verdicts = await decisions.decide(
      alice,
      pipelinesPipelineReadPermission,
      [
        'component:default/app-7',
        'component:default/app-8',
        'component:default/app-8',
        undefined,
      ],
    );
    expect(verdicts).toEqual([true, false, false, false]);
    expect(calls.authorize).toBe(2);
    expect(calls.resources).toBe(2);
  });

  it('settles every pipeline on an unconditional decision without asking per entity, those naming no entity included', async () => {
    const { decisions, calls } = setup();
    const service = mockCredentials.service('external:ci');
    const verdicts = await decisions.decide(
      service,
      pipelinesPipelineReadPermission,
      entityRefs,
    );
    expect(verdicts.every(Boolean)).toBe(true);
    expect(calls).toEqual({
      authorizeConditional: 1,
      authorize: 0,
      resources: 0,
    });
  });

  it('does not keep a failure of the permission backend: the next request asks again', async () => {
    const { service, calls } = ownershipPermissions({
      owners,
      claims: { 'user:default/alice': ['group:default/team-7'] },
    });
    const decisions = createPipelineDecisions({ permissions: service });
    (service.authorize as jest.Mock).mockRejectedValueOnce(
      new Error('permission backend unavailable'),
    );
    const refs = ['component:default/app-7'];
    await expect(
      decisions.decide(alice, pipelinesPipelineReadPermission, refs),
    ).rejects.toThrow('permission backend unavailable');
    expect(
      await decisions.decide(alice, pipelinesPipelineReadPermission, refs),
    ).toEqual([true]);
    expect(calls.authorizeConditional).toBe(1);
  });
});
