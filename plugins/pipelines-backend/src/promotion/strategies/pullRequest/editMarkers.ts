import { isScalar, parse, parseAllDocuments, Scalar, visit } from 'yaml';

/** The marker comment pipeline-controller uses: `# {"$promotion": "<ns>:<name>:<env>"}`. */
export function promotionMarker(namespace: string, name: string, environment: string): string {
  return `${namespace}:${name}:${environment}`;
}

function markerOf(comment: string | null | undefined): string | undefined {
  if (!comment) return undefined;
  try {
    const value = JSON.parse(comment.trim());
    return typeof value?.$promotion === 'string' ? value.$promotion : undefined;
  } catch {
    return undefined;
  }
}

function render(node: Scalar, version: string): string {
  if (node.type === 'QUOTE_DOUBLE') return JSON.stringify(version);
  if (node.type === 'QUOTE_SINGLE') return `'${version.replace(/'/g, "''")}'`;
  // A plain scalar stays plain when it reads back as the same string (6.1.0 does, 1.10 does not).
  let plain = false;
  try {
    plain = parse(`v: ${version}`)?.v === version;
  } catch {
    plain = false;
  }
  return plain ? version : JSON.stringify(version);
}

/**
 * Sets every YAML value carrying the marker comment for `marker` to `version`, in every
 * document of the file. Only the marked values' text changes: the edit splices the new
 * value into the original source at the positions the `yaml` parser reports, so comments,
 * formatting and every other byte stay as they were.
 */
export function applyPromotionMarkers(
  text: string,
  marker: string,
  version: string,
): { text: string; found: number; changed: number } {
  const marked: Scalar[] = [];
  const collect = (_key: unknown, node: Scalar) => {
    if (markerOf(node.comment) === marker && isScalar(node) && node.range) marked.push(node);
  };
  for (const doc of parseAllDocuments(text)) {
    if (!('errors' in doc && doc.errors.length)) visit(doc, { Scalar: collect });
  }
  const edits = marked
    .filter(node => node.value !== version)
    .map(node => ({ start: node.range![0], end: node.range![1], value: render(node, version) }));
  const found = marked.length;
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, e.start) + e.value + out.slice(e.end);
  }
  return { text: out, found, changed: edits.length };
}
