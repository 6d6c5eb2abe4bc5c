/**
 * A pattern of `pipelines.clusters.allowedServers`: which API server a kubeconfig from a
 * Secret may point to. Forms (matched against the server URL's host as written, after the
 * WHATWG URL normalisation — lower case, punycode, IPv4 in dotted form — never resolved):
 *
 * - `prod.example.com`, `10.0.0.12`, `[fd00::1]`: that host, any port;
 * - `prod.example.com:6443`: that host and port (443 is the port of `https://host`);
 * - `*.example.com`, `*.example.com:6443`: any host under `example.com` (not itself).
 */
export interface ServerPattern {
  /** The pattern as configured, for messages. */
  source: string;
  /** The normalised host, without the `*.` of a wildcard. */
  host: string;
  wildcard: boolean;
  /** undefined: any port. */
  port?: number;
}

/**
 * Parses one pattern.
 * @throws an Error naming the pattern and the forms accepted.
 */
export function parseServerPattern(source: string): ServerPattern {
  const fail = () =>
    new Error(
      `"${source}" is not a server pattern: use host, host:port, *.domain or *.domain:port (e.g. "*.clusters.example.com:6443")`,
    );
  const trimmed = source.trim();
  const wildcard = trimmed.startsWith('*.');
  const rest = wildcard ? trimmed.slice(2) : trimmed;
  if (!rest || /[/?#@\\*\s]/.test(rest)) throw fail();
  let url: URL;
  try {
    url = new URL(`https://${rest}`);
  } catch {
    throw fail();
  }
  if (wildcard && url.hostname.startsWith('[')) throw fail();
  const explicitPort = /:\d+$/.test(rest);
  return {
    source,
    host: url.hostname,
    wildcard,
    port: explicitPort ? effectivePort(url) : undefined,
  };
}

function effectivePort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'http:' ? 80 : 443;
}

/** Whether a server URL (already parsed) matches one of the patterns. */
export function serverAllowed(
  server: URL,
  patterns: readonly ServerPattern[],
): boolean {
  const port = effectivePort(server);
  const host = server.hostname;
  return patterns.some(
    p =>
      (p.port === undefined || p.port === port) &&
      (p.wildcard ? host.endsWith(`.${p.host}`) : host === p.host),
  );
}
