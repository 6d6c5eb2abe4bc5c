import { applyPromotionMarkers, promotionMarker } from './editMarkers';

const marker = promotionMarker('flux-system', 'podinfo-02', 'test');

describe('applyPromotionMarkers', () => {
  it('edits every marked field, nested and in lists, and nothing else', () => {
    const text = [
      '# HelmRelease of podinfo in test',
      'apiVersion: helm.toolkit.fluxcd.io/v2beta1',
      'kind: HelmRelease',
      'spec:',
      '  chart:',
      '    spec:',
      '      chart: podinfo',
      '      version: 6.0.1 # {"$promotion": "flux-system:podinfo-02:test"}',
      '      other: 6.0.1 # {"$promotion": "flux-system:podinfo-02:prod"}',
      '  values:',
      '    images:',
      '      - "ghcr.io/stefanprodan/podinfo:6.0.1"   # {"$promotion": "flux-system:podinfo-02:test"}',
      "      - 'keep-me'",
      '---',
      "tag: '6.0.1' # {\"$promotion\": \"flux-system:podinfo-02:test\"}",
      '',
    ].join('\n');
    const result = applyPromotionMarkers(text, marker, '6.1.0');
    expect(result).toMatchObject({ found: 3, changed: 3 });
    expect(result.text).toBe(
      text
        .replace('version: 6.0.1 #', 'version: 6.1.0 #')
        .replace('"ghcr.io/stefanprodan/podinfo:6.0.1"', '"6.1.0"')
        .replace("tag: '6.0.1'", "tag: '6.1.0'"),
    );
  });

  it('quotes a plain value that would not read back as a string', () => {
    const result = applyPromotionMarkers('v: 1.9 # {"$promotion": "flux-system:podinfo-02:test"}\n', marker, '1.10');
    expect(result.text).toBe('v: "1.10" # {"$promotion": "flux-system:podinfo-02:test"}\n');
  });

  it('reports markers already at the version as found but unchanged, and ignores other comments', () => {
    const text = 'a: 2.0.0 # {"$promotion": "flux-system:podinfo-02:test"}\nb: 1 # a comment\nc: 1 # {"$promotion": "other:x:test"}\n';
    expect(applyPromotionMarkers(text, marker, '2.0.0')).toEqual({ text, found: 1, changed: 0 });
    expect(applyPromotionMarkers('a: 1\n', marker, '2.0.0')).toEqual({ text: 'a: 1\n', found: 0, changed: 0 });
  });
});
