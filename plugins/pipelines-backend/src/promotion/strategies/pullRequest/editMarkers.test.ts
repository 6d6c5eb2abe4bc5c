import fc from 'fast-check';
import { parseAllDocuments, parseDocument } from 'yaml';
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
      'tag: \'6.0.1\' # {"$promotion": "flux-system:podinfo-02:test"}',
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
    const result = applyPromotionMarkers(
      'v: 1.9 # {"$promotion": "flux-system:podinfo-02:test"}\n',
      marker,
      '1.10',
    );
    expect(result.text).toBe(
      'v: "1.10" # {"$promotion": "flux-system:podinfo-02:test"}\n',
    );
  });

  it('reports markers already at the version as found but unchanged, and ignores other comments', () => {
    const text =
      'a: 2.0.0 # {"$promotion": "flux-system:podinfo-02:test"}\nb: 1 # a comment\nc: 1 # {"$promotion": "other:x:test"}\n';
    expect(applyPromotionMarkers(text, marker, '2.0.0')).toEqual({
      text,
      found: 1,
      changed: 0,
    });
    expect(applyPromotionMarkers('a: 1\n', marker, '2.0.0')).toEqual({
      text: 'a: 1\n',
      found: 0,
      changed: 0,
    });
  });

  it.each([
    'yes',
    'Yes',
    'YES',
    'no',
    'No',
    'on',
    'On',
    'ON',
    'off',
    'Off',
    'y',
    'Y',
    'n',
    'N',
    'true',
    'False',
    '~',
    'null',
    'Null',
    '1e3',
    '1E3',
    '1.0e+3',
    '0x1f',
    '012',
    '0o12',
    '0b101',
    '.inf',
    '-.Inf',
    '.nan',
    '1_000',
    '0x_1F',
    '2001-12-14',
    '2001-12-14t21:59:43.10-05:00',
    '2001-12-14 21:59:43.10 -5',
    '1:20',
    '190:20:30',
    '1:20.5',
    '+1',
    '-1',
    '0',
    '1.',
    '.5',
    '1.10',
    '=',
    '<<',
    '',
    ' 6.1.0',
    '6.1.0 ',
    'a #b',
    '#x',
    '- a',
    '*a',
    '&a',
    '!a',
    '%a',
    '@a',
    '`a',
    '{a',
    '[a',
    'a: b',
    'a, b',
    '|',
    '>',
    "'a",
    '"a',
    'a\nb',
  ])(
    'quotes %j, which YAML 1.1 or 1.2 would not read as that string, in a plain marked field',
    version => {
      const text =
        'a: 1\nv: 6.0.1 # {"$promotion": "flux-system:podinfo-02:test"}\nb: yes\n';
      const result = applyPromotionMarkers(text, marker, version);
      expect(result).toMatchObject({ found: 1, changed: 1 });
      const line = result.text.split('\n')[1];
      expect(line).toMatch(
        /^v: ["'].* # \{"\$promotion": "flux-system:podinfo-02:test"\}$/,
      );
      for (const v of ['1.1', '1.2'] as const) {
        const doc = parseDocument(result.text, { version: v });
        expect(doc.errors).toEqual([]);
        expect(doc.toJS().v).toBe(version);
      }
      expect(result.text.replace(line, '')).toBe(
        text.replace(text.split('\n')[1], ''),
      );
    },
  );

  it('quotes a marked plain value already at the version when YAML 1.1 reads it as something else', () => {
    const text =
      'a: yes # {"$promotion": "flux-system:podinfo-02:test"}\nb: = # {"$promotion": "flux-system:podinfo-02:test"}\n';
    expect(applyPromotionMarkers(text, marker, 'yes')).toMatchObject({
      changed: 2,
      text: text.replace('a: yes', 'a: "yes"').replace('b: =', 'b: "yes"'),
    });
    expect(applyPromotionMarkers(text, marker, '=')).toMatchObject({
      changed: 2,
      text: text.replace('a: yes', 'a: "="').replace('b: =', 'b: "="'),
    });
  });

  it('keeps a plain field plain when every YAML reader reads the version as that string', () => {
    for (const version of [
      '6.1.0',
      'v1.2.3',
      '6.1.0-rc.1+build.5',
      'main@sha1:0123abcd',
      'sha256:0123abcd',
      '1.2.3.4',
    ]) {
      const result = applyPromotionMarkers(
        'v: 6.0.1 # {"$promotion": "flux-system:podinfo-02:test"}\n',
        marker,
        version,
      );
      expect(result.text).toBe(
        `v: ${version} # {"$promotion": "flux-system:podinfo-02:test"}\n`,
      );
    }
  });

  it('keeps single quotes (doubling a quote) and double quotes (escaping)', () => {
    const text =
      'a: \'6.0.1\' # {"$promotion": "flux-system:podinfo-02:test"}\nb: "6.0.1" # {"$promotion": "flux-system:podinfo-02:test"}\n';
    expect(applyPromotionMarkers(text, marker, "it's").text).toBe(
      'a: \'it\'\'s\' # {"$promotion": "flux-system:podinfo-02:test"}\nb: "it\'s" # {"$promotion": "flux-system:podinfo-02:test"}\n',
    );
    // a line break cannot stay in single quotes (it would fold into a space)
    expect(
      applyPromotionMarkers(text, marker, 'a\nb').text.split('\n')[0],
    ).toBe('a: "a\\nb" # {"$promotion": "flux-system:podinfo-02:test"}');
  });

  it("only takes the comment on the value's own line as its marker; edits markers in flow sequences and block scalars", () => {
    const nextLine =
      'v: 6.0.1\n  # {"$promotion": "flux-system:podinfo-02:test"}\n';
    expect(applyPromotionMarkers(nextLine, marker, '6.1.0')).toEqual({
      text: nextLine,
      found: 0,
      changed: 0,
    });
    const followed =
      'v: 6.0.1 # {"$promotion": "flux-system:podinfo-02:test"}\n  # more notes\nw: 1\n';
    expect(applyPromotionMarkers(followed, marker, '6.1.0').text).toBe(
      followed.replace('6.0.1', '6.1.0'),
    );
    const flow =
      'v: [6.0.1, # {"$promotion": "flux-system:podinfo-02:test"}\n  x]\n';
    expect(applyPromotionMarkers(flow, marker, '6.1.0').text).toBe(
      flow.replace('6.0.1', '6.1.0'),
    );
    expect(applyPromotionMarkers(flow, marker, 'a, b').text).toBe(
      flow.replace('6.0.1', '"a, b"'),
    );
    const block =
      'v: |- # {"$promotion": "flux-system:podinfo-02:test"}\n  6.0.1\nw: 1\n';
    const edited = applyPromotionMarkers(block, marker, '6.1.0');
    expect(edited.text).toBe(
      'v: 6.1.0 # {"$promotion": "flux-system:podinfo-02:test"}\nw: 1\n',
    );
    expect(applyPromotionMarkers(edited.text, marker, '6.1.0')).toMatchObject({
      found: 1,
      changed: 0,
    });
  });
});

/*
 * Property test: generated YAML files (nested maps and sequences, plain / single / double
 * quoted values, comments, blank lines, several documents) with random markers, and random
 * versions (YAML's tricky scalars, versions, Git and OCI revisions, arbitrary strings).
 */
describe('applyPromotionMarkers on generated YAML', () => {
  const TARGET = '# {"$promotion": "flux-system:podinfo-02:test"}';
  const OTHER = '# {"$promotion": "flux-system:podinfo-02:prod"}';
  const TRICKY = [
    'yes',
    'no',
    'on',
    'off',
    'y',
    'n',
    'Y',
    'N',
    'true',
    'false',
    'True',
    'OFF',
    '~',
    'null',
    'NULL',
    '1e3',
    '0x1f',
    '012',
    '0o12',
    '0b11',
    '.inf',
    '-.inf',
    '.nan',
    '1_000',
    '2001-12-14',
    '2001-12-14 21:59:43.10 -5',
    '1:20',
    '190:20:30',
    '+1',
    '0',
    '1.10',
    '.5',
    '=',
    '<<',
  ];
  const PLAIN_ORIGINALS = [
    '6.0.1',
    'podinfo',
    'main',
    'v1.2.3',
    'true',
    '12',
    'yes',
    '1.5',
    'null',
    'a b c',
    'x-y_z',
  ];

  type Leaf = {
    kind: 'leaf';
    style: 'plain' | 'single' | 'double';
    value: string;
    comment: 'none' | 'note' | 'target' | 'other';
    gap: number;
  };
  type Tree =
    | Leaf
    | { kind: 'map'; entries: Array<[string, Tree]>; extras: number }
    | { kind: 'seq'; items: Tree[] };

  const safeText = fc.string({
    unit: fc.constantFrom(
      ...'abcdefghijklmnopqrstuvwxyz 0123456789.:-_/@#\'"é'.split(''),
    ),
    maxLength: 12,
  });
  const leaf: fc.Arbitrary<Leaf> = fc.record({
    kind: fc.constant('leaf' as const),
    style: fc.constantFrom(
      'plain' as const,
      'single' as const,
      'double' as const,
    ),
    value: fc.oneof(fc.constantFrom(...PLAIN_ORIGINALS), safeText),
    comment: fc.constantFrom(
      'none' as const,
      'note' as const,
      'target' as const,
      'target' as const,
      'other' as const,
    ),
    gap: fc.integer({ min: 1, max: 3 }),
  });
  // keys start with k: y, n, on, … are booleans as YAML 1.1 keys
  const key = fc.stringMatching(/^k[a-z0-9_-]{0,7}$/);
  const { tree } = fc.letrec<{ tree: Tree }>(tie => ({
    tree: fc.oneof(
      { depthSize: 'small', maxDepth: 4, withCrossShrink: true },
      leaf,
      fc.record({
        kind: fc.constant('map' as const),
        entries: fc.uniqueArray(fc.tuple(key, tie('tree')), {
          minLength: 1,
          maxLength: 4,
          selector: e => e[0],
        }),
        extras: fc.integer({ min: 0, max: 3 }),
      }),
      fc.record({
        kind: fc.constant('seq' as const),
        items: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }),
      }),
    ),
  }));
  const documents = fc.array(
    fc.record({
      kind: fc.constant('map' as const),
      entries: fc.uniqueArray(fc.tuple(key, tree), {
        minLength: 1,
        maxLength: 5,
        selector: e => e[0],
      }),
      extras: fc.integer({ min: 0, max: 3 }),
    }),
    { minLength: 1, maxLength: 3 },
  );
  const version = fc.oneof(
    fc.constantFrom(...TRICKY),
    fc.stringMatching(/^v?[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}(-rc\.[0-9])?$/),
    fc.stringMatching(/^(main|v1\.2\.3)@sha(1|256):[0-9a-f]{8,40}$/),
    fc.string({ minLength: 1, maxLength: 16 }),
  );

  /**
   * The file as parts: fixed text, and the original scalar text of each target-marked value
   * (`{ target }`), with the path of every leaf to read it back.
   */
  function emit(docs: Array<Extract<Tree, { kind: 'map' }>>) {
    const parts: Array<string | { target: string; leaf: Leaf }> = [];
    const leaves: Array<{ path: Array<string | number>; leaf: Leaf }> = [];
    const scalar = (l: Leaf) => {
      // a generated plain value keeps only letters and digits (other characters may not be plain)
      const v =
        l.style === 'plain' && !PLAIN_ORIGINALS.includes(l.value)
          ? l.value.replace(/[^a-z0-9]/g, '') || 'x'
          : l.value;
      if (l.style === 'plain') return v;
      if (l.style === 'single') return `'${v.replace(/'/g, "''")}'`;
      return JSON.stringify(v);
    };
    const comment = (l: Leaf) => {
      const pad = ' '.repeat(l.gap);
      switch (l.comment) {
        case 'note':
          return `${pad}# a note: not a marker`;
        case 'target':
          return `${pad}${TARGET}`;
        case 'other':
          return `${pad}${OTHER}`;
        default:
          return '';
      }
    };
    const writeLeaf = (
      prefix: string,
      l: Leaf,
      path: Array<string | number>,
    ) => {
      const s = scalar(l);
      leaves.push({ path, leaf: l });
      if (l.comment === 'target')
        parts.push(prefix, { target: s, leaf: l }, `${comment(l)}\n`);
      else parts.push(`${prefix}${s}${comment(l)}\n`);
    };
    const write = (t: Tree, indent: string, path: Array<string | number>) => {
      if (t.kind === 'map') {
        t.entries.forEach(([k, v], i) => {
          if (i === t.extras)
            parts.push(i % 2 ? '\n' : `${indent}# a comment line\n`);
          if (v.kind === 'leaf') writeLeaf(`${indent}${k}: `, v, [...path, k]);
          else {
            parts.push(`${indent}${k}:\n`);
            write(v, `${indent}  `, [...path, k]);
          }
        });
      } else if (t.kind === 'seq') {
        t.items.forEach((item, i) => {
          if (item.kind === 'leaf')
            writeLeaf(`${indent}- `, item, [...path, i]);
          else {
            parts.push(`${indent}-\n`);
            write(item, `${indent}  `, [...path, i]);
          }
        });
      }
    };
    docs.forEach((d, i) => {
      if (i > 0) parts.push('---\n');
      write(d, '', [i]);
    });
    return { parts, leaves };
  }

  const at = (docs: unknown[], path: Array<string | number>) =>
    path.reduce<any>((o, k) => o?.[k], docs);
  const readAll = (text: string, v: '1.1' | '1.2') => {
    const docs = parseAllDocuments(text, { version: v });
    for (const d of docs) expect('errors' in d ? d.errors : []).toEqual([]);
    return docs.map(d => d.toJS());
  };

  it('changes only the marked scalars, keeps every other byte, parses, and quotes what YAML would not read as a string', () => {
    let files = 0;
    let edited = 0;
    fc.assert(
      fc.property(documents, version, (docs, newVersion) => {
        const { parts, leaves } = emit(docs);
        const text = parts
          .map(p => (typeof p === 'string' ? p : p.target))
          .join('');
        const targets = parts.filter(
          (p): p is { target: string; leaf: Leaf } => typeof p !== 'string',
        );
        const result = applyPromotionMarkers(text, marker, newVersion);
        files++;
        edited += result.changed;
        expect(result.found).toBe(targets.length);

        // every byte outside the marked values is kept; each marked value reads back as the version
        const fixed: string[] = [];
        const renders: string[] = [];
        let pos = 0;
        for (let i = 0; i < parts.length; i++) {
          const p = parts[i];
          if (typeof p === 'string') {
            fixed.push(result.text.slice(pos, pos + p.length));
            pos += p.length;
          } else {
            const end = result.text.indexOf(parts[i + 1] as string, pos); // `<spaces># {marker}\n` follows
            renders.push(result.text.slice(pos, end));
            pos = end;
          }
        }
        expect(fixed).toEqual(parts.filter(p => typeof p === 'string'));
        expect(pos).toBe(result.text.length);
        const readAs = (rendered: string) =>
          (['1.1', '1.2'] as const).map(
            v => parseDocument(`v: ${rendered}`, { version: v }).toJS()?.v,
          );
        const distinct = [...new Set(renders)];
        expect(distinct.filter(r => r.includes('\n'))).toEqual([]);
        expect(distinct.map(readAs)).toEqual(
          distinct.map(() => [newVersion, newVersion]),
        );
        expect(
          TRICKY.includes(newVersion)
            ? renders.filter(r => !/^["']/.test(r))
            : [],
        ).toEqual([]);
        expect(
          targets.filter(
            (t, i) => t.leaf.style !== 'plain' && renders[i][0] !== t.target[0],
          ),
        ).toEqual([]);

        // the result parses in YAML 1.1 and 1.2; marked values are the version, the others unchanged
        for (const v of ['1.1', '1.2'] as const) {
          const before = readAll(text, v);
          const after = readAll(result.text, v);
          for (const { path, leaf: l } of leaves) {
            expect(at(after, path)).toEqual(
              l.comment === 'target' ? newVersion : at(before, path),
            );
          }
        }

        // applying again changes nothing
        expect(applyPromotionMarkers(result.text, marker, newVersion)).toEqual({
          text: result.text,
          found: targets.length,
          changed: 0,
        });
      }),
      { numRuns: 1000 },
    );
    // eslint-disable-next-line no-console
    console.log(
      `editMarkers property test: ${files} generated YAML files, ${edited} marked values edited`,
    );
    expect(files).toBeGreaterThanOrEqual(1000);
  });
});
