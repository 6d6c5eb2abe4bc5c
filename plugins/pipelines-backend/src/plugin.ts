import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { pipelinesPermissions } from '@gitops-pipelines/plugin-pipelines-common';
import { readManagementClusters } from './config/readManagementClusters';
import { DatabasePromotionStore } from './database/DatabasePromotionStore';
import { createRouter } from './service/createRouter';
import { ConfiguredClustersStateReader } from './state/ConfiguredClustersStateReader';

/**
 * The pipelines backend plugin, id `pipelines`, served under `/api/pipelines`.
 * @public
 */
export const pipelinesPlugin = createBackendPlugin({
  pluginId: 'pipelines',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { logger, config, database, httpRouter, permissionsRegistry } = deps;
        const clusters = readManagementClusters(config);
        logger.info(
          `Management clusters from ${clusters.source}: ${clusters.clusters.map(c => c.name).join(', ') || 'none'}`,
        );
        permissionsRegistry.addPermissions(pipelinesPermissions);
        const promotions = await DatabasePromotionStore.create({ database });
        httpRouter.use(
          await createRouter({
            ...deps,
            state: new ConfiguredClustersStateReader(clusters.clusters),
            promotions,
            defaultCluster: clusters.defaultCluster,
          }),
        );
      },
    });
  },
});
