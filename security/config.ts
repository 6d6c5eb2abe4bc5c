import type { Sandbox } from '@gitops-pipelines/sandbox';
import fs from 'fs';
import path from 'path';
import { stringify } from 'yaml';
import { catalogEntities } from './fixtures';

/**
 * The demo backend's configuration for the attack suite, on top of the repository's
 * app-config.yaml: its own port (not the e2e's 7007), a SQLite file, the sandbox's management
 * cluster for both the Kubernetes plugin (as `npm start` configures it) and the pipelines
 * plugin, the suite's catalog entities, and the product's defaults everywhere else — the
 * suite attacks what users run. Only what a demo needs is set: the sandbox forge is a known
 * forge, the approval webhook is on (so that its key can be attacked), PRs are polled quickly.
 */
export function writeSecurityConfig(
  dir: string,
  port: number,
  sandbox: Sandbox,
): string {
  const entities = path.join(dir, 'entities.yaml');
  fs.writeFileSync(
    entities,
    catalogEntities()
      .map(e => stringify(e))
      .join('---\n'),
  );
  const endpoints = sandbox.endpoints();
  const m = sandbox.clusters.management;
  const forgeHost = sandbox.forge ? new URL(sandbox.forge.url).host : undefined;
  const config = {
    app: { baseUrl: 'http://127.0.0.1:3999' },
    backend: {
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { port, host: '127.0.0.1' },
      database: {
        client: 'better-sqlite3',
        connection: { directory: path.join(dir, 'db') },
      },
    },
    catalog: {
      locations: [
        { type: 'file', target: entities },
        {
          type: 'file',
          target: path.resolve(__dirname, '..', 'examples', 'org.yaml'),
          rules: [{ allow: ['User', 'Group'] }],
        },
      ],
    },
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'management',
              url: endpoints.backstage.managementUrl,
              authProvider: 'serviceAccount',
              serviceAccountToken: endpoints.backstage.serviceAccountToken,
              caData: endpoints.backstage.caData,
            },
          ],
        },
      ],
    },
    pipelines: {
      managementClusters: [
        {
          name: 'management',
          url: m.url,
          serviceAccountToken: sandbox.backstageToken,
          caData: m.caData,
        },
      ],
      notificationController: {
        url: sandbox.notificationControllers.management.url,
      },
      webhooks: { approval: true },
      ...(forgeHost ? { forges: { allowedHosts: [forgeHost] } } : {}),
      pullRequestPolling: {
        minInterval: { milliseconds: 500 },
        maxInterval: { seconds: 2 },
      },
    },
  };
  const file = path.join(dir, 'app-config.security.yaml');
  fs.writeFileSync(file, stringify(config), { mode: 0o600 });
  return file;
}
