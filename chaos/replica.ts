import fs from 'fs';
import path from 'path';
import { stringify } from 'yaml';
import type { Sandbox } from '@gitops-pipelines/sandbox';
import { BackendProcess, sleep, until } from '../harness/backendProcess';

export { sleep, until };
/** One backend replica of the fault suite: the shared {@link BackendProcess}. */
export { BackendProcess as Replica };

/**
 * The demo app's backend configuration for one replica: its own port, the shared PostgreSQL
 * (`database` is a connection string; `prefix` keeps each chaos run on fresh databases), the
 * sandbox's management cluster, quick PR polling and no level triggers (scenarios decide).
 */
export function writeReplicaConfig(
  dir: string,
  name: string,
  port: number,
  sandbox: Sandbox,
  database: { url: string; prefix: string },
) {
  // One account per plugin, never shared: the Kubernetes plugin's reads no Secrets.
  const management = {
    name: 'management',
    url: sandbox.clusters.management.url,
    caData: sandbox.clusters.management.caData,
  };
  const config = {
    app: { baseUrl: 'http://127.0.0.1:3999' },
    backend: {
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { port, host: '127.0.0.1' },
      database: {
        client: 'pg',
        connection: database.url,
        prefix: database.prefix,
      },
    },
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              ...management,
              authProvider: 'serviceAccount',
              serviceAccountToken: sandbox.kubernetesPluginToken,
            },
          ],
        },
      ],
    },
    pipelines: {
      managementClusters: [
        { ...management, serviceAccountToken: sandbox.pipelinesToken },
      ],
      levelTriggers: false,
      // The duplicate scenario sends 100 webhooks at once: above the default limit of 30 per 10 s.
      webhooks: { rateLimit: { requests: 1000 } },
      notificationController: {
        url: sandbox.notificationControllers.management.url,
      },
      // The sandbox forge is http on 127.0.0.1: known only with its scheme.
      ...(sandbox.forge
        ? { forges: { allowedHosts: [new URL(sandbox.forge.url).origin] } }
        : {}),
      pullRequestPolling: {
        minInterval: { milliseconds: 500 },
        maxInterval: { seconds: 2 },
      },
    },
  };
  const file = path.join(dir, `app-config.${name}.yaml`);
  fs.writeFileSync(file, stringify(config), { mode: 0o600 });
  return file;
}
