import {
  DefaultGithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import type { ForgeEndpoint, Forges } from '../../../config/forges';
import { PromotionError } from '../PromotionStrategy';
import type { GitCredentials } from './GitRepositoryCache';

/** Reads a key of a Secret on a management cluster (from the watch cache). */
export type SecretReader = (
  cluster: string,
  namespace: string,
  name: string,
  key: string,
) => string | undefined;

/** What the pull-request strategy sends to one forge: to git, and to the API. */
export interface ForgeCredentials {
  git: GitCredentials;
  /** GitHub and GitLab: the API token. */
  token: string;
  /** Bitbucket Server: the Authorization header value. */
  authorization: string;
  /** For messages: `Secret ns/name` or `the github integration for host`. */
  from: string;
}

/** Which Secret a strategy names, and where. */
export interface SecretLocation {
  cluster: string;
  namespace: string;
  name: string;
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * The credentials for one forge endpoint (which `Forges.endpoint` accepted):
 * - `pipelines.forges.credentials: secret` (default): the strategy's Secret — `token` for the
 *   API, `username`/`password` for git (default `git` and the token);
 * - `integrations`: for a host of Backstage `integrations`, the integration's — GitHub App
 *   installation token or token (DefaultGithubCredentialsProvider, fresh per call), GitLab
 *   token, Bitbucket Server token or username and password; the Secret is not read. Hosts of
 *   `pipelines.forges.allowedHosts` only still use the Secret.
 */
export function createForgeCredentials(deps: {
  secrets: SecretReader;
  forges: Pick<Forges, 'credentials'>;
  integrations?: ScmIntegrationRegistry;
}) {
  const github = deps.integrations
    ? DefaultGithubCredentialsProvider.fromIntegrations(deps.integrations)
    : undefined;

  const fromSecret = (
    endpoint: ForgeEndpoint,
    at: SecretLocation,
  ): ForgeCredentials => {
    const secret = (key: string) =>
      deps.secrets(at.cluster, at.namespace, at.name, key);
    const token = secret('token');
    if (!token) {
      // Retryable: the Secret may not be in the watch cache yet (a backend just started), or be
      // created or fixed by someone within the retry budget.
      throw new PromotionError(
        `Secret ${at.namespace}/${at.name} has no "token" for the ${endpoint.provider} API (or is not readable yet)`,
        true,
      );
    }
    return {
      git: {
        username: secret('username') ?? 'git',
        password: secret('password') ?? token,
      },
      token,
      authorization: `Bearer ${token}`,
      from: `Secret ${at.namespace}/${at.name}`,
    };
  };

  const fromIntegration = async (
    endpoint: ForgeEndpoint,
  ): Promise<ForgeCredentials> => {
    const from = `the ${endpoint.provider} integration for ${endpoint.host}`;
    const none = () =>
      new PromotionError(
        `${from} has no credentials for ${endpoint.gitUrl} (a token, or a GitHub App installed on the owner): add them to the integration, or set pipelines.forges.credentials to "secret"`,
        false,
      );
    const integrations = deps.integrations!;
    if (endpoint.provider === 'github') {
      const { token } = await github!
        .getCredentials({ url: endpoint.gitUrl })
        .catch(e => {
          throw new PromotionError(`${from}: ${(e as Error).message}`, true);
        });
      if (!token) throw none();
      return {
        git: { username: 'x-access-token', password: token },
        token,
        authorization: `Bearer ${token}`,
        from,
      };
    }
    if (endpoint.provider === 'gitlab') {
      const token = integrations.gitlab.byHost(endpoint.host)?.config.token;
      if (!token) throw none();
      return {
        git: { username: 'oauth2', password: token },
        token,
        authorization: `Bearer ${token}`,
        from,
      };
    }
    const config = integrations.bitbucketServer.byHost(endpoint.host)?.config;
    if (config?.token)
      return {
        git: {
          username: config.username ?? 'x-token-auth',
          password: config.token,
        },
        token: config.token,
        authorization: `Bearer ${config.token}`,
        from,
      };
    if (config?.username && config.password)
      return {
        git: { username: config.username, password: config.password },
        token: '',
        authorization: basic(config.username, config.password),
        from,
      };
    throw none();
  };

  return async (
    endpoint: ForgeEndpoint,
    secret: SecretLocation,
  ): Promise<ForgeCredentials> =>
    deps.forges.credentials === 'integrations' &&
    endpoint.source === 'integrations' &&
    deps.integrations
      ? fromIntegration(endpoint)
      : fromSecret(endpoint, secret);
}
