import {
  isScalar,
  parseDocument,
  parseAllDocuments,
  Scalar,
  visit,
} from 'yaml';

/** The marker comment pipeline-controller uses: `# {"$promotion": "<ns>:<name>:<env>"}`. */
export function promotionMarker(
  namespace: string,
  name: string,
  environment: string,
): string {
  return `${namespace}:${name}:${environment}`;
}

function markerOf(comment: string): string | undefined {
  try {
    const value = JSON.parse(comment.trim());
    return typeof value?.$promotion === 'string' ? value.$promotion : undefined;
  } catch {
    return undefined;
  }
}

const LINE_COMMENT = /[ \t]*,?[ \t]*#([^\r\n]*)/y;

/**
 * The marker of a scalar: the comment on the same line, right after the value (or after the
 * header of a block scalar, `| # …`), as pipeline-controller's line comments. A comment on a
 * later line is not the value's marker.
 */
function lineMarker(text: string, node: Scalar): string | undefined {
  if (!node.range) return undefined;
  const [start, end] = node.range;
  let from = end;
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    const nl = text.indexOf('\n', start);
    from = start + 1;
    const header = text.slice(from, nl === -1 ? text.length : nl);
    const hash = /^[-+0-9]*[ \t]+#/.exec(header);
    return hash ? markerOf(header.slice(hash[0].length)) : undefined;
  }
  // after a value in a flow sequence the comment may follow its comma: `[6.0.1, # {…}`
  LINE_COMMENT.lastIndex = from;
  const match = LINE_COMMENT.exec(text);
  return match ? markerOf(match[1]) : undefined;
}

/** Reads `text` as YAML 1.2 (core schema) and YAML 1.1: the value, or an error marker. */
function readBoth(text: string): [unknown, unknown] {
  const read = (version: '1.1' | '1.2') => {
    const doc = parseDocument(text, { version, logLevel: 'silent' });
    if (doc.errors.length || doc.warnings.length) return readBoth.failed;
    try {
      return doc.toJS();
    } catch {
      return readBoth.failed; // e.g. an alias without its anchor
    }
  };
  return [read('1.2'), read('1.1')];
}
readBoth.failed = Symbol('unreadable');

/** Scalars that some YAML 1.1 readers (PyYAML) resolve to the `value` and `merge` tags. */
const YAML11_SPECIAL = new Set(['=', '<<']);

/**
 * Whether `rendered`, written as the value of a block mapping and as an item of a flow
 * sequence, reads back as the string `version` in YAML 1.2 and in YAML 1.1 (Go's yaml.v2,
 * PyYAML): `yes`, `on`, `~`, `1e3`, `0x1f`, `012`, `.inf`, `1_000`, `2001-12-14`, `1:20`,
 * … do not, so they are quoted.
 */
function readsBack(
  rendered: string,
  version: string,
  memo?: Map<string, boolean>,
): boolean {
  const known = memo?.get(rendered);
  if (known !== undefined) return known;
  const result = readsBackUncached(rendered, version);
  memo?.set(rendered, result);
  return result;
}

function readsBackUncached(rendered: string, version: string): boolean {
  if (
    rendered.includes('\n') ||
    rendered.includes('\r') ||
    YAML11_SPECIAL.has(rendered)
  )
    return false;
  const block = readBoth(`v: ${rendered}\n`);
  const flow = readBoth(`[${rendered}]\n`);
  return (
    block.every(v => (v as { v?: unknown } | null)?.v === version) &&
    flow.every(v => Array.isArray(v) && v.length === 1 && v[0] === version)
  );
}

/** A double-quoted YAML scalar: JSON's escapes are YAML's, plus the line and BOM characters JSON leaves raw. */
function doubleQuoted(version: string): string {
  return JSON.stringify(version).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function render(
  node: Scalar,
  version: string,
  memo: Map<string, boolean>,
): string {
  const candidates: string[] = [];
  if (node.type === 'QUOTE_SINGLE')
    candidates.push(`'${version.replace(/'/g, "''")}'`);
  else if (node.type !== 'QUOTE_DOUBLE') candidates.push(version);
  // A plain value stays plain when it reads back as the same string (6.1.0 does; 1.10, yes, on do not).
  for (const c of candidates) if (readsBack(c, version, memo)) return c;
  return doubleQuoted(version);
}

/**
 * Sets every YAML value carrying the marker comment for `marker` to `version`, in every
 * document of the file. Only the marked values' text changes: the edit splices the new
 * value into the original source at the positions the `yaml` parser reports, so comments,
 * formatting and every other byte stay as they were. A plain value stays plain unless YAML
 * 1.1 or 1.2 would read the version as something else than that string (then it is
 * double-quoted); a quoted value keeps its quotes; a block scalar (`|`, `>`) becomes a
 * one-line value followed by its marker comment.
 */
export function applyPromotionMarkers(
  text: string,
  marker: string,
  version: string,
): { text: string; found: number; changed: number } {
  const marked: Scalar[] = [];
  const memo = new Map<string, boolean>(); // rendering → reads back as `version`
  const collect = (_key: unknown, node: Scalar) => {
    if (isScalar(node) && node.range && lineMarker(text, node) === marker)
      marked.push(node);
  };
  for (const doc of parseAllDocuments(text)) {
    if (!('errors' in doc && doc.errors.length))
      visit(doc, { Scalar: collect });
  }
  const edits = marked
    // unchanged only when the value is the version already and reads so in YAML 1.1 too (plain `yes` does not)
    .filter(
      node =>
        node.value !== version ||
        !readsBack(text.slice(node.range![0], node.range![1]), version, memo),
    )
    .map(node => {
      const [start, end] = node.range!;
      if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
        // `| # {marker}\n  6.0.1\n` → `6.1.0 # {marker}\n`: the header's comment stays as it was
        const nl = text.indexOf('\n', start);
        const header = text.slice(start + 1, nl === -1 ? text.length : nl + 1);
        const comment = header.slice(/^[-+0-9]*/.exec(header)![0].length);
        return {
          start,
          end,
          value: `${render(node, version, memo)}${comment}`,
        };
      }
      return { start, end, value: render(node, version, memo) };
    });
  const found = marked.length;
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, e.start) + e.value + out.slice(e.end);
  }
  return { text: out, found, changed: edits.length };
}
