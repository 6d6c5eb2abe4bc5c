/*
 * Hi!
 *
 * Note that this is an EXAMPLE Backstage backend. Please check the README.
 *
 * Happy hacking!
 */

// First: the metrics exporter must be registered before plugins ask for meters.
import './instrumentation';
import { createBackend } from '@backstage/backend-defaults';
import { benchFloorPlugin } from './modules/benchFloor';
import { demoSignInModule } from './modules/demoSignIn';
import { demoPermissionPolicyModule } from './modules/demoPermissionPolicy';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// techdocs plugin
backend.add(import('@backstage/plugin-techdocs-backend'));

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// the demo's extra sign-in identities (development only), to approve the guest's promotions
backend.add(demoSignInModule);
// See https://backstage.io/docs/auth/guest/provider

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// The demo's policy: everything allowed, except that only the owners of an entity approve
// its promotions (packages/backend/src/modules/demoPermissionPolicy.ts).
backend.add(demoPermissionPolicyModule);

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search engine
// See https://backstage.io/docs/features/search/search-engines
backend.add(import('@backstage/plugin-search-backend-module-pg'));

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// kubernetes plugin
backend.add(import('@backstage/plugin-kubernetes-backend'));

// GitOps Pipelines: state, promotions and the promotion ledger
backend.add(import('@gitops-pipelines/plugin-pipelines-backend'));
backend.add(
  import('@gitops-pipelines/plugin-scaffolder-backend-module-pipelines'),
);

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
// The events bus (on PostgreSQL) carries events between replicas: signals and the pipelines
// plugin's promotion changes reach browsers connected to any replica.
backend.add(import('@backstage/plugin-events-backend'));

// npm run bench only: the floor the entity view is measured against (bench/README.md).
if (process.env.PIPELINES_BENCH_FLOOR_FILE) {
  backend.add(benchFloorPlugin);
}

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
