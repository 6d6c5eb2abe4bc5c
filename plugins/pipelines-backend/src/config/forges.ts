import { Config } from '@backstage/config';
import { ScmIntegrationRegistry } from '@backstage/integration';
import type { GitProviderType } from '@gitops-pipelines/plugin-pipelines-common';
import { ForgeRefusedError, parseAllowedHost, parseForgeUrl } from './forgeUrl';

export { ForgeRefusedError } from './forgeUrl';

/**
 * Where credentials of a pull-request strategy may go, as {@link Forges.endpoint} decided
 * it: everything that sends a credential (git, the forge's API) takes these URLs, never the
 * Pipeline's raw `url`.
 */
export interface ForgeEndpoint {
  provider: GitProviderType;
  /** The repository's host, `hostname[:port]` (lower case, no default port). */
  host: string;
  /** `scheme://host` of the repository. */
  origin: string;
  /** The normalised repository URL git fetches from and pushes to. */
  gitUrl: string;
  /** The forge's REST API base: `…/api/v3`, `https://api.github.com`, `…/api/v4`, `…/rest/api/1.0`. */
  apiBaseUrl: string;
  /** True when an operator configured this host with `http://` (credentials then travel unencrypted). */
  http: boolean;
  /** Where the host is configured. */
  source: 'integrations' | 'allowedHosts';
}

/** Whose credentials the pull-request strategy uses (`pipelines.forges.credentials`). */
export type ForgeCredentialsSource = 'secret' | 'integrations';

/** The forges the portal knows, from Backstage `integrations` and `pipelines.forges.allowedHosts`. */
export interface Forges {
  /**
   * The endpoint of a pull-request `url` of the given provider, when it is https (or
   * http, when configured so) on a known host and port.
   * @throws ForgeRefusedError with a message a Pipeline author can act on.
   */
  endpoint(url: string, provider: GitProviderType): ForgeEndpoint;
  /** `pipelines.forges.credentials`: `secret` (default) or `integrations`. */
  readonly credentials: ForgeCredentialsSource;
  /** Hosts configured with http, for the start-up warning. */
  readonly httpHosts: string[];
}

interface KnownHost {
  scheme: 'https' | 'http';
  host: string;
  source: 'integrations' | 'allowedHosts';
  /** Integrations only: the provider and its API base. */
  provider?: GitProviderType;
  apiBaseUrl?: string;
}

const defaultApiBase = (provider: GitProviderType, origin: string) => {
  if (provider === 'github')
    return origin === 'https://github.com'
      ? 'https://api.github.com'
      : `${origin}/api/v3`;
  if (provider === 'gitlab') return `${origin}/api/v4`;
  return `${origin}/rest/api/1.0`;
};

const schemeOf = (url: string | undefined): 'https' | 'http' =>
  url && /^http:\/\//i.test(url) ? 'http' : 'https';

/** The hosts of Backstage's GitHub, GitLab and Bitbucket Server integrations. */
function integrationHosts(integrations: ScmIntegrationRegistry): KnownHost[] {
  const hosts: KnownHost[] = [];
  for (const i of integrations.github.list())
    hosts.push({
      provider: 'github',
      host: i.config.host.toLowerCase(),
      scheme: schemeOf(i.config.apiBaseUrl),
      apiBaseUrl: i.config.apiBaseUrl,
      source: 'integrations',
    });
  for (const i of integrations.gitlab.list())
    hosts.push({
      provider: 'gitlab',
      host: i.config.host.toLowerCase(),
      scheme: schemeOf(i.config.baseUrl ?? i.config.apiBaseUrl),
      apiBaseUrl: i.config.apiBaseUrl,
      source: 'integrations',
    });
  for (const i of integrations.bitbucketServer.list())
    hosts.push({
      provider: 'bitbucket-server',
      host: i.config.host.toLowerCase(),
      scheme: schemeOf(i.config.apiBaseUrl),
      apiBaseUrl: i.config.apiBaseUrl,
      source: 'integrations',
    });
  return hosts;
}

/**
 * Reads `pipelines.forges` and the Backstage `integrations` once, at start-up.
 * @throws Error naming the key when an allowed host or the credentials source is malformed.
 */
export function readForgesConfig(
  config: Config,
  integrations: ScmIntegrationRegistry,
): Forges {
  const key = 'pipelines.forges.allowedHosts';
  const allowed: KnownHost[] = (config.getOptionalStringArray(key) ?? []).map(
    (entry, i) => ({
      ...parseAllowedHost(entry, `${key}[${i}]`),
      source: 'allowedHosts' as const,
    }),
  );
  const credentials =
    config.getOptionalString('pipelines.forges.credentials') ?? 'secret';
  if (credentials !== 'secret' && credentials !== 'integrations')
    throw new Error(
      `pipelines.forges.credentials must be "secret" or "integrations", not "${credentials}"`,
    );
  const fromIntegrations = integrationHosts(integrations);
  const known = [...fromIntegrations, ...allowed];
  return {
    credentials,
    httpHosts: [
      ...new Set(
        known.filter(h => h.scheme === 'http').map(h => `http://${h.host}`),
      ),
    ],
    endpoint(url, provider) {
      const parsed = parseForgeUrl(url);
      const sameHost = known.filter(h => h.host === parsed.host);
      const match =
        sameHost.find(
          h =>
            h.source === 'integrations' &&
            h.provider === provider &&
            h.scheme === parsed.scheme,
        ) ??
        sameHost.find(
          h => h.source === 'allowedHosts' && h.scheme === parsed.scheme,
        );
      if (!match) throw refusal(url, parsed, provider, sameHost, known);
      return {
        provider,
        host: parsed.host,
        origin: parsed.origin,
        gitUrl: `${parsed.origin}${parsed.path}`,
        apiBaseUrl: (
          match.apiBaseUrl ?? defaultApiBase(provider, parsed.origin)
        ).replace(/\/+$/, ''),
        http: parsed.scheme === 'http',
        source: match.source,
      };
    },
  };
}

/** Why a well-formed url is not a known forge, and what to configure. */
function refusal(
  url: string,
  parsed: { scheme: string; host: string },
  provider: GitProviderType,
  sameHost: KnownHost[],
  known: KnownHost[],
): ForgeRefusedError {
  const hint =
    'add it to Backstage integrations or to pipelines.forges.allowedHosts';
  if (parsed.scheme === 'http' && sameHost.some(h => h.scheme === 'https'))
    return new ForgeRefusedError(
      `The pull-request url ${url} uses http, but ${parsed.host} is configured for https: use https://${parsed.host} (http is allowed only for a host configured with an explicit http:// address)`,
    );
  if (parsed.scheme === 'https' && sameHost.some(h => h.scheme === 'http'))
    return new ForgeRefusedError(
      `The pull-request url ${url} uses https, but ${parsed.host} is configured with http://: use the configured address`,
    );
  const other = sameHost.find(h => h.provider && h.provider !== provider);
  if (other)
    return new ForgeRefusedError(
      `The pull-request url host ${parsed.host} is a ${other.provider} integration, but the strategy's type is ${provider}: fix the type, or ${hint}`,
    );
  // The same host name known on another port: say that the port counts.
  const name = (host: string) => host.replace(/:\d+$/, '');
  const port = known.some(h => name(h.host) === name(parsed.host))
    ? ` (${name(
        parsed.host,
      )} is known, on another port: the port must be configured too)`
    : '';
  return new ForgeRefusedError(
    `The pull-request url host ${parsed.host} is not a known forge${port}; ${hint}`,
  );
}

/** What the start-up log warns about: every setting that widens where credentials may go. */
export function forgeWarnings(forges: Forges): string[] {
  const warnings = forges.httpHosts.map(
    host =>
      `Forge ${host} is configured with http: credentials for it travel unencrypted (tests and the sandbox only; use https)`,
  );
  if (forges.credentials === 'integrations')
    warnings.push(
      'pipelines.forges.credentials is "integrations": pull requests on hosts of Backstage integrations use the integrations\' credentials, for every Pipeline that names such a repository, whoever wrote it',
    );
  return warnings;
}
