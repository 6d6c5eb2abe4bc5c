import { KubeConfig } from '@kubernetes/client-node';
import fs from 'fs';
import { ManagementClusterConfig } from '../config/readManagementClusters';

/** A KubeConfig for a management cluster from Backstage config. */
export function kubeConfigForManagementCluster(c: ManagementClusterConfig): KubeConfig {
  const kc = new KubeConfig();
  const caData = c.caData ?? (c.caFile ? fs.readFileSync(c.caFile).toString('base64') : undefined);
  kc.loadFromOptions({
    clusters: [{ name: c.name, server: c.url, caData, skipTLSVerify: c.skipTLSVerify }],
    users: [{ name: `${c.name}-backstage`, token: c.serviceAccountToken }],
    contexts: [{ name: c.name, cluster: c.name, user: `${c.name}-backstage` }],
    currentContext: c.name,
  });
  return kc;
}

/**
 * A KubeConfig from the text of a kubeconfig Secret. Throws an error that names what
 * is wrong, never the content.
 */
export function kubeConfigFromSecretValue(text: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch {
    throw new Error('the kubeconfig cannot be parsed');
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new Error('the kubeconfig has no current cluster with a server');
  return kc;
}
