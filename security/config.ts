import { Sandbox, sandboxAppConfig } from '@gitops-pipelines/sandbox';
import fs from 'fs';
import path from 'path';
import { stringify } from 'yaml';
import { catalogEntities } from './fixtures';

/**
 * The demo backend's configuration for the attack suite, on top of the repository's
 * app-config.yaml: its own port (not the e2e's 7007), a SQLite file, the sandbox's management
 * cluster for the Kubernetes plugin and the pipelines plugin exactly as `npm run sandbox`
 * configures the demo (`sandboxAppConfig`), the suite's catalog entities, and the product's
 * defaults everywhere else — the suite attacks what users run. Only what a demo needs is
 * set: the sandbox forge (and the suite's compromised forges) are known forges, the approval
 * webhook is on (so that its key can be attacked), PRs are polled quickly.
 */
export function writeSecurityConfig(
  dir: string,
  port: number,
  sandbox: Sandbox,
  hostileForges: string[],
): string {
  const entities = path.join(dir, 'entities.yaml');
  fs.writeFileSync(
    entities,
    catalogEntities()
      .map(e => stringify(e))
      .join('---\n'),
  );
  // What `npm run sandbox` writes for the demo: one account per plugin, the forge as known.
  const demo = sandboxAppConfig(sandbox);
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
        // The demo's own entities (podinfo owns podinfo-02, which tells the backend is warm).
        {
          type: 'file',
          target: path.resolve(__dirname, '..', 'examples', 'entities.yaml'),
        },
        {
          type: 'file',
          target: path.resolve(__dirname, '..', 'examples', 'org.yaml'),
          rules: [{ allow: ['User', 'Group'] }],
        },
      ],
    },
    kubernetes: demo.kubernetes,
    // Team-private pipelines: only an owner reads one (packages/backend's demo policy).
    demo: { permissions: { pipelineReaders: 'owners' } },
    pipelines: {
      ...demo.pipelines,
      webhooks: { approval: true },
      // The suite's hostile forges are known too: they play a compromised forge.
      forges: {
        allowedHosts: [
          ...(demo.pipelines.forges?.allowedHosts ?? []),
          ...hostileForges,
        ],
      },
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
