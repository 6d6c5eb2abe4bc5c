/**
 * Parses a per-environment annotation value `env=value[,env=value…]` with `parse` for each
 * value (undefined: malformed). Malformed entries and environments given twice are reported
 * as errors (`form` says what an entry must look like), never guessed.
 * @public
 */
export function parseEnvironmentValues<T>(
  value: string,
  parse: (text: string) => T | undefined,
  form: string,
): { values: Record<string, T>; errors: string[] } {
  const values: Record<string, T> = {};
  const errors: string[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\s*=\s*(\S+)$/.exec(entry);
    const parsed = m ? parse(m[3]) : undefined;
    if (!m || parsed === undefined) {
      errors.push(`"${entry}" is not ${form}`);
      continue;
    }
    if (values[m[1]] !== undefined) errors.push(`"${m[1]}" is given twice`);
    values[m[1]] = parsed;
  }
  return { values, errors };
}
