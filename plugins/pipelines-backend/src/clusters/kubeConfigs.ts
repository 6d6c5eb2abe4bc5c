import { KubeConfig } from '@kubernetes/client-node';
import { InputError } from '@backstage/errors';
import fs from 'fs';
import { ManagementClusterConfig } from '../config/readManagementClusters';
import { MAX_KUBECONFIG_BYTES } from './parseKubeconfigYaml';
import { readKubeconfig, ReadKubeconfigOptions } from './readKubeconfig';

/** A KubeConfig for a management cluster from Backstage config. */
export function kubeConfigForManagementCluster(
  c: ManagementClusterConfig,
): KubeConfig {
  const kc = new KubeConfig();
  const caData =
    c.caData ??
    (c.caFile ? fs.readFileSync(c.caFile).toString('base64') : undefined);
  kc.loadFromOptions({
    clusters: [
      { name: c.name, server: c.url, caData, skipTLSVerify: c.skipTLSVerify },
    ],
    users: [{ name: `${c.name}-backstage`, token: c.serviceAccountToken }],
    contexts: [{ name: c.name, cluster: c.name, user: `${c.name}-backstage` }],
    currentContext: c.name,
  });
  return kc;
}

/**
 * A KubeConfig from the base64 `data` value of a kubeconfig Secret, read strictly (see
 * {@link readKubeconfig}); a value too long to be a kubeconfig is refused before decoding.
 * @throws InputError naming the Secret and what is wrong, never the content.
 */
export function kubeConfigFromSecretValue(
  encoded: string,
  options: ReadKubeconfigOptions,
): KubeConfig {
  if (encoded.length > Math.ceil(MAX_KUBECONFIG_BYTES / 3) * 4 + 4) {
    throw new InputError(
      `the kubeconfig in Secret ${options.secret} is longer than ${MAX_KUBECONFIG_BYTES} bytes, the most pipelines reads`,
    );
  }
  return readKubeconfig(
    Buffer.from(encoded, 'base64').toString('utf8'),
    options,
  );
}

/**
 * The keys a GitopsCluster's kubeconfig Secret may hold it under, in order: `value` (Weave
 * GitOps' convention, also Cluster API's `<name>-kubeconfig` Secrets), `value.yaml` (the
 * layout in Weave GitOps' documentation) and `kubeconfig`.
 */
export const KUBECONFIG_SECRET_KEYS = ['value', 'value.yaml', 'kubeconfig'];

/**
 * The base64 kubeconfig of a Secret's `data`, under the first of {@link KUBECONFIG_SECRET_KEYS}
 * it has; a Cluster API Secret (`capi`) holds it under `value` only.
 * @throws an Error naming the keys looked for and the keys the Secret has (never values).
 */
export function kubeconfigSecretData(
  data: Record<string, string> | undefined,
  options: { secret: string; capi: boolean },
): string {
  const keys = options.capi ? ['value'] : KUBECONFIG_SECRET_KEYS;
  const key = keys.find(k => data?.[k]);
  if (key) return data![key];
  const has = Object.keys(data ?? {});
  throw new Error(
    `kubeconfig Secret ${options.secret} has no key ${keys
      .map(k => `"${k}"`)
      .join(', ')}${
      has.length
        ? ` (it has ${has.map(k => `"${k}"`).join(', ')})`
        : ' (it is empty)'
    }`,
  );
}
