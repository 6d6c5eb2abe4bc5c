import { LineCounter, parseAllDocuments } from 'yaml';

/** The most bytes of kubeconfig text read from a Secret (real ones are a few KiB). */
export const MAX_KUBECONFIG_BYTES = 128 * 1024;

/** The most YAML aliases a kubeconfig may use (each expands once into the checked object). */
const MAX_ALIASES = 100;

/**
 * The plain value of a kubeconfig's text: one YAML (or JSON) document, parsed with
 * Kubernetes' rules as far as they matter here — merge keys (`<<`) merge, as in client-go
 * and client-node — and stricter where a parser difference could hide a field: duplicate
 * keys, unresolved tags and a second document are refused, and aliases are capped. The
 * structure checks run on the value returned, after every alias and merge is resolved.
 *
 * @returns the value, or `{ problem }`: what is wrong, with a line and column but never
 *   the text (YAML errors quote it).
 */
export function parseKubeconfigYaml(
  text: string,
): { value: unknown } | { problem: string } {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_KUBECONFIG_BYTES) {
    return {
      problem: `is ${bytes} bytes long; pipelines reads kubeconfigs of at most ${MAX_KUBECONFIG_BYTES} bytes`,
    };
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    merge: true,
    uniqueKeys: true,
    prettyErrors: false,
    lineCounter,
  });
  const list = Array.isArray(docs) ? docs : [];
  if (list.length !== 1) {
    return {
      problem: list.length
        ? `holds ${list.length} YAML documents; one kubeconfig is expected`
        : 'is empty',
    };
  }
  const [doc] = list;
  const issue = doc.errors[0] ?? doc.warnings[0];
  if (issue) {
    const { line, col } = lineCounter.linePos(issue.pos[0]);
    const what = issue.code.toLowerCase().replace(/_/g, ' ');
    return {
      problem: `is not valid YAML (${what} at line ${line}, column ${col})`,
    };
  }
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIASES }) };
  } catch {
    return {
      problem: `uses YAML aliases that expand too far (at most ${MAX_ALIASES})`,
    };
  }
}
