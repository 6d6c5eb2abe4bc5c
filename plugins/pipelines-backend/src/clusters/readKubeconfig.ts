import { InputError } from '@backstage/errors';
import { Cluster, Context, KubeConfig, User } from '@kubernetes/client-node';
import {
  DEFAULT_TARGET_CLUSTER_SETTINGS,
  TargetClusterSettings,
} from '../config/readClusterSettings';
import { KUBECONFIG_FIELDS, KubeconfigSection } from './kubeconfigFields';
import { parseKubeconfigYaml } from './parseKubeconfigYaml';
import { serverAllowed } from './serverPatterns';

/** What {@link readKubeconfig} needs besides the text. */
export interface ReadKubeconfigOptions {
  /** The Secret the text comes from, `namespace/name`, for messages. */
  secret: string;
  settings?: TargetClusterSettings;
}

type Entry = Record<string, unknown>;

const isRecord = (v: unknown): v is Entry =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const BASE64 = /^[A-Za-z0-9+/\r\n]+={0,2}\s*$/;
const TOKEN = /^[\x21-\x7e]+$/;

/** A field's path for messages: `users[0].user.exec`, `current-context`. */
const join = (at: string, key: string) => (at ? `${at}.${key}` : key);

/**
 * A KubeConfig from the text of a kubeconfig Secret, read as data and never as a program:
 * the text is parsed here (`parseKubeconfigYaml`), every field is checked against
 * {@link KUBECONFIG_FIELDS} — one refused field anywhere (any user, cluster or context,
 * current or not) refuses the whole file, so that what is accepted does not depend on which
 * context is current and no file that asks to run a program is half-used — and the
 * KubeConfig is built with `loadFromOptions` from the accepted fields of the current
 * context only. Servers must be https (http and `insecure-skip-tls-verify` only when
 * `allowInsecureSkipTlsVerify`), without credentials in the URL, and on
 * `allowedServers` when that is set.
 *
 * @throws InputError whose message names the Secret and the field, never a value.
 */
export function readKubeconfig(
  text: string,
  options: ReadKubeconfigOptions,
): KubeConfig {
  const settings = options.settings ?? DEFAULT_TARGET_CLUSTER_SETTINGS;
  const refuse = (problem: string) =>
    new InputError(`the kubeconfig in Secret ${options.secret} ${problem}`);
  const invalid = (path: string, rule: string) =>
    refuse(`is not a valid kubeconfig: ${path} ${rule}`);

  const parsed = parseKubeconfigYaml(text);
  if ('problem' in parsed) throw refuse(parsed.problem);
  if (!isRecord(parsed.value)) throw invalid('the file', 'must be a mapping');
  const file = parsed.value;

  /** Checks an object's keys against its section of the table (null values are absent). */
  const checkFields = (obj: Entry, section: KubeconfigSection, at: string) => {
    for (const [key, value] of Object.entries(obj)) {
      if (value === null || value === undefined) continue;
      const path = join(at, key);
      const rule = KUBECONFIG_FIELDS[section][key];
      if (!rule) {
        throw refuse(
          `has a field pipelines does not know (${path}); remove it`,
        );
      }
      if (rule.rule === 'refuse') {
        throw refuse(`${rule.why} (${path}); ${rule.instead}`);
      }
      if (rule.rule === 'insecure') {
        if (typeof value !== 'boolean')
          throw invalid(path, 'must be true or false');
        if (value && !settings.allowInsecureSkipTlsVerify) {
          throw refuse(
            `${rule.why} (${path}); give certificate-authority-data instead, or allow it with pipelines.clusters.allowInsecureSkipTlsVerify`,
          );
        }
      }
    }
  };
  const string = (obj: Entry, key: string, at: string, required = false) => {
    const value = obj[key] ?? undefined;
    if (value === undefined) {
      if (required) throw invalid(join(at, key), 'is missing');
      return undefined;
    }
    if (typeof value !== 'string' || !value.trim())
      throw invalid(join(at, key), 'must be a non-empty string');
    return value;
  };
  const base64 = (obj: Entry, key: string, at: string) => {
    const value = string(obj, key, at);
    if (value !== undefined && !BASE64.test(value))
      throw invalid(join(at, key), 'must be base64');
    return value;
  };

  /** The entries of `clusters`, `users` or `contexts`: each `{ name, <inner> }`, names unique. */
  const entries = (
    key: 'clusters' | 'users' | 'contexts',
    inner: 'cluster' | 'user' | 'context',
    section: KubeconfigSection,
    innerSection: KubeconfigSection,
  ) => {
    const list = file[key] ?? [];
    if (!Array.isArray(list)) throw invalid(key, 'must be a list');
    const names = new Set<string>();
    return list.map((entry: unknown, i) => {
      const at = `${key}[${i}]`;
      if (!isRecord(entry)) throw invalid(at, 'must be a mapping');
      checkFields(entry, section, at);
      const name = string(entry, 'name', at, true)!;
      if (names.has(name))
        throw invalid(`${at}.name`, `repeats the name of another ${inner}`);
      names.add(name);
      const body = entry[inner] ?? {};
      if (!isRecord(body)) throw invalid(`${at}.${inner}`, 'must be a mapping');
      checkFields(body, innerSection, `${at}.${inner}`);
      return { name, body, at: `${at}.${inner}` };
    });
  };

  checkFields(file, 'file', '');
  const clusters: Cluster[] = entries(
    'clusters',
    'cluster',
    'namedCluster',
    'cluster',
  ).map(({ name, body, at }) => {
    const server = checkServer(string(body, 'server', at, true)!, at);
    return {
      name,
      server: server.href.replace(/\/$/, ''),
      caData: base64(body, 'certificate-authority-data', at),
      tlsServerName: string(body, 'tls-server-name', at),
      // client-node refuses http:// unless skipTLSVerify; http is allowed only with it.
      skipTLSVerify:
        body['insecure-skip-tls-verify'] === true ||
        server.protocol === 'http:',
    };
  });
  const users: User[] = entries('users', 'user', 'namedUser', 'user').map(
    ({ name, body, at }) => {
      const token = string(body, 'token', at);
      if (token !== undefined && !TOKEN.test(token))
        throw invalid(`${at}.token`, 'has characters a token cannot have');
      const certData = base64(body, 'client-certificate-data', at);
      const keyData = base64(body, 'client-key-data', at);
      if (!certData !== !keyData) {
        throw invalid(
          `${at}.${certData ? 'client-key-data' : 'client-certificate-data'}`,
          'is missing (a client certificate needs its key)',
        );
      }
      return { name, token, certData, keyData };
    },
  );
  const contexts: Context[] = entries(
    'contexts',
    'context',
    'namedContext',
    'context',
  ).map(({ name, body, at }) => {
    const cluster = string(body, 'cluster', at, true)!;
    const user = string(body, 'user', at, true)!;
    if (!clusters.some(c => c.name === cluster))
      throw invalid(`${at}.cluster`, 'names no cluster of the file');
    if (!users.some(u => u.name === user))
      throw invalid(`${at}.user`, 'names no user of the file');
    return { name, cluster, user };
  });

  const currentContext = string(file, 'current-context', '', true);
  const context = contexts.find(c => c.name === currentContext);
  if (!context) {
    throw invalid(
      'current-context',
      `names no context of the file (it has ${
        contexts.length
          ? contexts.map(c => `"${c.name}"`).join(', ')
          : 'no contexts'
      })`,
    );
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: clusters.filter(c => c.name === context.cluster),
    users: users.filter(u => u.name === context.user),
    contexts: [context],
    currentContext: context.name,
  });
  return kc;

  function checkServer(value: string, at: string): URL {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw invalid(`${at}.server`, 'is not a URL');
    }
    const http = url.protocol === 'http:';
    if (!http && url.protocol !== 'https:')
      throw invalid(`${at}.server`, 'must be an https:// URL');
    if (http && !settings.allowInsecureSkipTlsVerify) {
      throw refuse(
        `talks to its API server over plain http (${at}.server), where its credentials can be read on the way; use https, or allow it with pipelines.clusters.allowInsecureSkipTlsVerify`,
      );
    }
    if (url.username || url.password)
      throw invalid(
        `${at}.server`,
        'must not carry credentials (put them in users[].user)',
      );
    if (url.search || url.hash)
      throw invalid(`${at}.server`, 'must not have a query or a fragment');
    if (settings.allowedServers && !serverAllowed(url, settings.allowedServers))
      throw refuse(
        `names an API server that is not allowed (${at}.server); pipelines.clusters.allowedServers lists the servers target clusters may have`,
      );
    return url;
  }
}
