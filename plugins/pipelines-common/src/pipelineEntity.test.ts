import { getPipelineEntityRef, parsePipelineEntityRef } from './annotations';
import { normalizeIdentityRef, sameIdentity } from './permissions';
import { validatePipelineAnnotations } from './pipelineAnnotations';

describe('the pipelines.weave.works/entity annotation', () => {
  it('parses one entity ref, normalised, the namespace filled in', () => {
    expect(parsePipelineEntityRef('component:default/podinfo')).toEqual({
      ref: 'component:default/podinfo',
    });
    expect(parsePipelineEntityRef(' Component:Team-A/PodInfo ')).toEqual({
      ref: 'component:team-a/podinfo',
    });
    expect(parsePipelineEntityRef('system:payments')).toEqual({
      ref: 'system:default/payments',
    });
  });

  it.each([
    ['podinfo', 'is not one entity ref'],
    ['default/podinfo', 'is not one entity ref'],
    [
      'component:default/podinfo, component:default/other',
      'is not one entity ref',
    ],
    ['component:a/b/c', 'is not one entity ref'],
    ['component:default/', 'is not one entity ref'],
    [':default/podinfo', 'is not one entity ref'],
    ['', 'is not one entity ref'],
    ['component:default/pod info', 'is not one entity ref'],
    ['compo-nent:default/podinfo', 'kind "compo-nent" is not valid'],
    ['component:Default_NS/podinfo', 'namespace "Default_NS" is not valid'],
    ['component:default/-podinfo', 'name "-podinfo" is not valid'],
    [`component:default/${'a'.repeat(64)}`, 'is not valid'],
  ])('refuses %j: %s', (value, message) => {
    const { ref, error } = parsePipelineEntityRef(value);
    expect(ref).toBeUndefined();
    expect(error).toContain(message);
  });

  it('is read from a Pipeline’s annotations; none or an invalid value names no entity', () => {
    const key = 'pipelines.weave.works/entity';
    expect(getPipelineEntityRef({ [key]: 'Component:podinfo' })).toBe(
      'component:default/podinfo',
    );
    expect(getPipelineEntityRef({ [key]: 'podinfo' })).toBeUndefined();
    expect(getPipelineEntityRef({})).toBeUndefined();
    expect(getPipelineEntityRef(undefined)).toBeUndefined();
  });

  it('makes a Pipeline with a bad value invalid, with a message naming the annotation', () => {
    expect(
      validatePipelineAnnotations(
        { 'pipelines.weave.works/entity': 'podinfo' },
        ['dev'],
      ),
    ).toEqual([
      {
        path: 'metadata.annotations["pipelines.weave.works/entity"]',
        message:
          '"podinfo" is not one entity ref of the form kind:namespace/name, e.g. component:default/podinfo',
      },
    ]);
    expect(
      validatePipelineAnnotations(
        { 'pipelines.weave.works/entity': 'component:default/podinfo' },
        ['dev'],
      ),
    ).toEqual([]);
  });
});

describe('normalizeIdentityRef', () => {
  it.each([
    ['user:default/alice', 'user:default/alice'],
    ['user:alice', 'user:default/alice'],
    ['User:Default/Alice', 'user:default/alice'],
    [' user:alice ', 'user:default/alice'],
    ['group:team-a/owners', 'group:team-a/owners'],
  ])('compares %j as %j', (ref, normal) => {
    expect(normalizeIdentityRef(ref)).toBe(normal);
  });

  it('leaves what is not an entity ref as it is', () => {
    for (const actor of [
      'service:plugin:scaffolder',
      'service:external:ci-bot',
      'pipelines:approval-timeout',
      'webhook',
    ])
      expect(normalizeIdentityRef(actor)).toBe(actor);
  });

  it('tells the same person apart from another', () => {
    expect(sameIdentity('user:Alice', 'user:default/alice')).toBe(true);
    expect(sameIdentity('user:default/alice', 'user:default/alicia')).toBe(
      false,
    );
    expect(sameIdentity('user:team-a/alice', 'user:default/alice')).toBe(false);
    expect(
      sameIdentity('service:plugin:scaffolder', 'user:default/scaffolder'),
    ).toBe(false);
  });
});
