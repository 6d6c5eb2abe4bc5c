import { InputError } from '@backstage/errors';

/**
 * A pull-request `url` that this backend refuses to send credentials to: unknown host,
 * scheme or port, userinfo, a path git or an API could read as something else. The message
 * says what to change; it never contains a credential. Not retryable.
 */
export class ForgeRefusedError extends InputError {}

/** The parts of a pull-request `url` that passed the syntax checks of {@link parseForgeUrl}. */
export interface ParsedForgeUrl {
  scheme: 'https' | 'http';
  /** `hostname[:port]`, lower case, the port only when it is not the scheme's default. */
  host: string;
  /** `scheme://host`. */
  origin: string;
  /** The repository path, e.g. `/my-org/my-app-repo.git`, without a trailing slash. */
  path: string;
}

/** The longest pull-request `url` accepted. */
export const MAX_FORGE_URL_LENGTH = 2048;

/** Path segments: letters, digits, `.`, `_`, `~`, `-` (no `%`, so no encoded `/` or `..`). */
const SEGMENT = /^[A-Za-z0-9._~-]+$/;

const refuse = (url: string, why: string): never => {
  throw new ForgeRefusedError(`The pull-request url ${quote(url)} ${why}`);
};

/** The url as it may appear in a message: bounded, without userinfo (it may hold a password). */
function quote(url: string): string {
  const shown = url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@')
    // eslint-disable-next-line no-control-regex -- control characters are shown as "?"
    .replace(/[\u0000-\u001f\u007f]/g, '?');
  return JSON.stringify(shown.length > 200 ? `${shown.slice(0, 200)}…` : shown);
}

/**
 * Checks the syntax of a pull-request `url` before anything looks up its host: `https://`
 * or `http://` only (no `file://`, `ssh://`, `git://`, `ext::`, scp-like `git@host:repo`,
 * nor anything git could read as an option such as `--upload-pack=…`), no userinfo, no query
 * or fragment, no whitespace, control characters or backslashes, and a path of at least two
 * plain segments (no `.`/`..`, no empty segment, no percent-encoding).
 * @throws ForgeRefusedError naming what is wrong.
 */
export function parseForgeUrl(url: string): ParsedForgeUrl {
  if (typeof url !== 'string' || !url) return refuse(String(url), 'is empty');
  if (url.length > MAX_FORGE_URL_LENGTH)
    return refuse(url, `is longer than ${MAX_FORGE_URL_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\s\u0000-\u001f\u007f\\]/.test(url))
    return refuse(
      url,
      'contains whitespace, a control character or a backslash',
    );
  const scheme = /^(https?):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (!scheme)
    return refuse(
      url,
      'must start with https:// (file, ssh, git, ext:: and scp-like addresses are not accepted)',
    );
  const rest = url.slice(scheme.length + 3);
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const rawPath = slash === -1 ? '' : rest.slice(slash);
  if (authority.includes('@'))
    return refuse(
      url,
      'contains a user name or password: put credentials in the Secret or in Backstage integrations, never in the url',
    );
  if (/[?#]/.test(rawPath))
    return refuse(url, 'has a query or fragment: give the repository url only');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse(url, 'is not a valid URL');
  }
  // A host git and fetch would read differently from how it is written (a decimal or octal
  // IP, an IDN, `:443`): only the form that a configured host is compared in.
  const host = parsed.host.toLowerCase();
  const written = authority.toLowerCase();
  const defaultPort = scheme === 'https' ? ':443' : ':80';
  if (written !== host && written !== `${host}${defaultPort}`)
    return refuse(
      url,
      `writes its host as ${JSON.stringify(
        authority,
      )}, which reads as ${host}: write the host in that form`,
    );
  const segments = rawPath.replace(/\/$/, '').split('/').slice(1);
  if (
    segments.length < 2 ||
    segments.some(s => !SEGMENT.test(s) || s === '.' || s === '..')
  )
    return refuse(
      url,
      'must have a plain repository path such as /owner/repo (letters, digits, ".", "_", "~", "-"; no "..", no empty or percent-encoded segment)',
    );
  return {
    scheme: scheme as 'https' | 'http',
    host,
    origin: `${scheme}://${host}`,
    path: `/${segments.join('/')}`,
  };
}

/**
 * An allowed host as configured (`git.example.com`, `git.example.com:8443`,
 * `https://git.example.com`, `http://127.0.0.1:6480`): its scheme (https unless written)
 * and `host`, as {@link parseForgeUrl} normalises them.
 * @throws Error naming the entry when it has a path, userinfo or another scheme.
 */
export function parseAllowedHost(
  entry: string,
  key: string,
): { scheme: 'https' | 'http'; host: string } {
  const written = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry)
    ? entry
    : `https://${entry}`;
  let url: URL;
  try {
    url = new URL(written);
  } catch {
    throw new Error(`${key}: "${entry}" is not a host name`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (
    (scheme !== 'https' && scheme !== 'http') ||
    url.username ||
    url.password ||
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search ||
    url.hash ||
    entry.includes('*')
  )
    throw new Error(
      `${key}: "${entry}" must be a host, host:port, https://host[:port] or http://host[:port] (no path, user, wildcard)`,
    );
  return { scheme, host: url.host.toLowerCase() };
}

/**
 * Whether a URL the forge supplied (a pull request's `html_url`, `web_url`, `links.self`)
 * may be stored and shown: http(s) on the repository's own host. Otherwise the reason.
 */
export function checkForgeLink(
  link: unknown,
  repositoryHost: string,
): { ok: true; url: string } | { ok: false; reason: string } {
  if (typeof link !== 'string' || !link)
    return { ok: false, reason: 'the forge gave no link' };
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return { ok: false, reason: 'the link is not a URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, reason: `the link's scheme is ${url.protocol}` };
  if (url.username || url.password)
    return { ok: false, reason: 'the link has a user name or password' };
  if (url.host.toLowerCase() !== repositoryHost)
    return {
      ok: false,
      reason: `the link is on ${url.host}, not on the repository's host ${repositoryHost}`,
    };
  return { ok: true, url: url.toString() };
}
