import { stringify } from 'yaml';
import { readKubeconfig } from '../readKubeconfig';
import { TargetClusterSettings } from '../../config/readClusterSettings';

/** A value no message may ever contain. */
export const SECRET = 'SECRET-VALUE-4f1c9a';

/** base64 of a (dummy) PEM block: the reader checks base64, the client parses PEM. */
export const PEM_DATA = Buffer.from(
  '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
).toString('base64');

/** The Secret the test kubeconfigs come from. */
export const SECRET_REF = 'tenant-a/prod-kubeconfig';

/** A clean kubeconfig: one token user, one https cluster, one context. */
export function cleanKubeconfig(): Record<string, any> {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'prod',
        cluster: {
          server: 'https://prod.example.com:6443',
          'certificate-authority-data': PEM_DATA,
        },
      },
    ],
    users: [{ name: 'reader', user: { token: SECRET } }],
    contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'reader' } }],
    'current-context': 'prod',
  };
}

/**
 * The clean kubeconfig with a second user, cluster and context that are not current
 * (`other`), so that a field can be put on an entry that is not used.
 */
export function twoContextKubeconfig(): Record<string, any> {
  const k = cleanKubeconfig();
  k.clusters.push({
    name: 'other',
    cluster: { server: 'https://other.example.com' },
  });
  k.users.push({ name: 'other', user: { token: 'other-token' } });
  k.contexts.push({
    name: 'other',
    context: { cluster: 'other', user: 'other' },
  });
  return k;
}

/** readKubeconfig on a kubeconfig object (as YAML); the error message, or undefined when accepted. */
export function refusal(
  kubeconfig: unknown,
  settings?: TargetClusterSettings,
): string | undefined {
  return refusalOfText(
    typeof kubeconfig === 'string' ? kubeconfig : stringify(kubeconfig),
    settings,
  );
}

/** readKubeconfig on text; the error message, or undefined when accepted. */
export function refusalOfText(
  text: string,
  settings?: TargetClusterSettings,
): string | undefined {
  try {
    readKubeconfig(text, { secret: SECRET_REF, settings });
    return undefined;
  } catch (e) {
    const message = (e as Error).message;
    if (message.includes(SECRET))
      throw new Error(`the message leaks the secret: ${message}`);
    return message;
  }
}
