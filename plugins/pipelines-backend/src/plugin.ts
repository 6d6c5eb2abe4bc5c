import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceRef,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { pipelinesPermissions } from '@gitops-pipelines/plugin-pipelines-common';
import { readPipelinesConfig } from './config/readPipelinesConfig';
import { managementClusterWarnings } from './config/readManagementClusters';
import { clusterSettingsWarnings } from './config/readClusterSettings';
import { DatabasePromotionStore } from './database/DatabasePromotionStore';
import { DatabaseHoldStore } from './database/DatabaseHoldStore';
import { DatabaseVersionBlockStore } from './database/DatabaseVersionBlockStore';
import { DatabaseWebhookDeliveryStore } from './database/DatabaseWebhookDeliveryStore';
import { webhookSigningConditions } from './webhooks/webhookKeys';
import { VersionBlocking } from './promotion/VersionBlocking';
import { createPromotionPreviewer } from './promotion/previewPromotion';
import { createGateReporter } from './promotion/gateStatus';
import {
  IN_MEMORY_LEDGER_WARNING,
  isInMemoryDatabase,
} from './database/inMemory';
import { createRouter } from './service/createRouter';
import { PipelineCache } from './cache/PipelineCache';
import { StatusWriter } from './cache/StatusWriter';
import { PromotionEngine } from './promotion/PromotionEngine';
import { LevelTrigger } from './promotion/LevelTrigger';
import { NotificationStrategy } from './promotion/strategies/NotificationStrategy';
import { PullRequestStrategy } from './promotion/strategies/pullRequest/PullRequestStrategy';
import { ScmIntegrations } from '@backstage/integration';
import { forgeWarnings, readForgesConfig } from './config/forges';
import { pullRequestUrlIssues } from './config/forgeSpecCheck';
import {
  createWebhookRouter,
  UNSIGNED_WEBHOOKS_WARNING,
  webhookRequiresSignature,
} from './service/createWebhookRouter';
import {
  createPermissionChecks,
  readServiceMutations,
} from './service/requirePermission';
import { registerPipelinesActions } from './actions/registerPipelinesActions';
import { connectPromotionNotifications } from './notifications/promotionNotifications';
import { connectSignals } from './service/signalsBridge';
import { auditRequests } from './service/auditRequests';
import { connectPromotionChanges } from './promotion/promotionChangeBus';
import { promotionSecretNamespaces } from './promotion/promotionSecrets';
import { PipelinesMetrics } from './metrics/PipelinesMetrics';
import { instrumentPromotionStore } from './metrics/instrumentPromotionStore';

/**
 * The pipelines backend plugin, id `pipelines`, served under `/api/pipelines`.
 * @public
 */
/** A page of the Backstage app, from `app.baseUrl` (undefined without it). */
const appPage = (
  config: { getOptionalString(key: string): string | undefined },
  path: string,
) => {
  const base = config.getOptionalString('app.baseUrl');
  return base ? `${base.replace(/\/$/, '')}${path}` : undefined;
};

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
        lifecycle: coreServices.lifecycle,
        rootLifecycle: coreServices.rootLifecycle,
        instanceMetadata: coreServices.rootInstanceMetadata,
        scheduler: coreServices.scheduler,
        events: eventsServiceRef,
        catalog: catalogServiceRef,
        metrics: metricsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
        notifications: notificationService,
        signals: signalsServiceRef,
        auth: coreServices.auth,
      },
      async init(deps) {
        const {
          logger,
          config,
          database,
          httpRouter,
          permissionsRegistry,
          lifecycle,
          rootLifecycle,
          scheduler,
          auditor,
        } = deps;
        // Work starts once the whole backend has started (the root lifecycle's startup): a
        // replica whose start-up failed (another plugin's migrations, say) runs and writes
        // nothing. Each step below adds to `start`; shutdown hooks stop them.
        const starts: Array<() => Promise<void> | void> = [];
        rootLifecycle.addStartupHook(async () => {
          for (const start of starts) await start();
        });
        const settings = readPipelinesConfig(config);
        const { clusters } = settings;
        logger.info(
          `Management clusters from ${clusters.source}: ${
            clusters.clusters.map(c => c.name).join(', ') || 'none'
          }`,
        );
        managementClusterWarnings(clusters).forEach(w => logger.warn(w));
        for (const warning of clusterSettingsWarnings(settings.targetClusters))
          logger.warn(warning);
        permissionsRegistry.addPermissions(pipelinesPermissions);
        const serviceMutations = readServiceMutations(config, logger);
        const metrics = new PipelinesMetrics(deps.metrics);
        const promotions = instrumentPromotionStore(
          await DatabasePromotionStore.create({ database }),
          metrics,
        );
        if (isInMemoryDatabase(promotions.client))
          logger.warn(IN_MEMORY_LEDGER_WARNING);
        const integrations = ScmIntegrations.fromConfig(config);
        // Where pull-request credentials may go: integrations' hosts and pipelines.forges.allowedHosts.
        const forges = readForgesConfig(config, integrations);
        forgeWarnings(forges).forEach(w => logger.warn(w));
        const state = new PipelineCache({
          metrics,
          clusters: clusters.clusters,
          gitopsClusterMappings: clusters.gitopsClusterMappings,
          targetClusters: settings.targetClusters,
          logger,
          secretNamespaces: promotionSecretNamespaces,
          // A pull-request url on an unknown forge is a validation message on the Pipeline.
          checkSpec: pullRequestUrlIssues(forges),
          // the tab and the API say which webhooks are refused for want of a key
          extraConditions: webhookRequiresSignature(config)
            ? webhookSigningConditions
            : undefined,
        });
        // The watch cache only reads, so it starts now, while the other plugins initialise:
        // the cache is warm about when the backend starts answering (bench/README.md).
        state.start();
        lifecycle.addShutdownHook(() => state.stop());
        if (settings.writeStatus) {
          const writer = new StatusWriter(state, logger);
          // Global scope: one replica at a time writes Pipeline status.
          starts.push(() =>
            scheduler.scheduleTask({
              id: 'pipelines:status-writer',
              scope: 'global',
              frequency: { seconds: 10 },
              timeout: { minutes: 1 },
              initialDelay: { seconds: 5 },
              fn: async () => {
                await writer.run();
              },
            }),
          );
        }
        const holds = new DatabaseHoldStore(promotions.client);
        const blocks = new DatabaseVersionBlockStore(promotions.client);
        const strategies = [
          new NotificationStrategy({
            receiverUrl: cluster => settings.notificationControllerUrl(cluster),
          }),
          new PullRequestStrategy({
            secrets: (cluster, namespace, name, key) =>
              state.getSecretValue(cluster, namespace, name, key),
            cacheDir: settings.repositoryCacheDir,
            logger,
            forges,
            integrations,
            metrics,
          }),
        ];
        const engine = new PromotionEngine({
          store: promotions,
          holds,
          blocks,
          cache: state,
          rolloutTimeoutMs: settings.promotion.rolloutTimeoutMs,
          requiredApprovals: settings.promotion.requiredApprovals,
          approvalTimeoutMs: settings.promotion.approvalTimeoutMs,
          reportGates: createGateReporter({
            cache: state,
            store: promotions,
            blocks,
            logger,
            targetUrl: appPage(config, '/pipelines'),
          }),
          pullRequestPoll: settings.promotion.pullRequestPoll,
          strategies,
          logger,
          auditor,
        });
        // Queued rows, retries, pull requests to poll, rollouts to settle and rows left by a
        // replica that stopped: claims keep each row to one runner.
        starts.push(() =>
          scheduler.scheduleTask({
            id: 'pipelines:promotion-runner',
            scope: 'local',
            frequency: { seconds: settings.promotion.runnerIntervalSeconds },
            timeout: { minutes: 10 },
            initialDelay: { seconds: 5 },
            fn: async () => {
              engine.kick();
              await engine.idle();
            },
          }),
        );
        lifecycle.addShutdownHook(async () => {
          engine.runner.stop();
          await engine.idle();
        });
        // Actions for AI agents (MCP) and other plugins, with the caller's permissions.
        registerPipelinesActions({
          actionsRegistry: deps.actionsRegistry,
          checks: createPermissionChecks({ ...deps, state, serviceMutations }),
          state,
          promotions,
          engine,
          defaultCluster: clusters.defaultCluster,
        });
        const trigger = new LevelTrigger({
          engine,
          cache: state,
          logger,
          enabledByDefault: settings.promotion.levelTriggers,
        });
        starts.push(async () => {
          // Rollouts settle from the watch cache: every change of state is a reason to look.
          lifecycle.addShutdownHook(
            state.subscribe(() => engine.runner.kickSoon()),
          );
          lifecycle.addShutdownHook(
            state.subscribe(changed => void trigger.onChange(changed)),
          );
          lifecycle.addShutdownHook(() => trigger.stop());
          // The cache started before this subscription: look at what it already holds.
          void trigger.onChange(
            state.listPipelines({}).flatMap(p => state.getPipeline(p) ?? []),
          );
          engine.runner.kickSoon();
          // A promotion that ended (here or on another replica) frees its environment for the next level promotion.
          lifecycle.addShutdownHook(
            engine.onChange(
              record =>
                void (record.endedAt
                  ? trigger.evaluate(record.pipeline)
                  : undefined),
            ),
          );
          // Changes reach the live streams of every replica through the events service.
          const instanceId = deps.instanceMetadata.getId();
          lifecycle.addShutdownHook(
            await connectPromotionChanges({
              events: deps.events,
              engine,
              instanceId,
              logger,
            }),
          );
          // Live updates for browsers on any replica, as Backstage signals.
          lifecycle.addShutdownHook(
            connectSignals({ signals: deps.signals, state, engine, logger }),
          );
          // Approvals needed, failures and deployments reach people through Backstage notifications.
          lifecycle.addShutdownHook(
            connectPromotionNotifications({
              engine,
              notifications: deps.notifications,
              catalog: deps.catalog,
              auth: deps.auth,
              logger,
              state,
              defaultCluster: clusters.defaultCluster,
            }),
          );
        });
        // Every state-changing request is audited, allowed or refused, webhooks included.
        httpRouter.use(auditRequests(auditor));
        if (!webhookRequiresSignature(config))
          logger.warn(UNSIGNED_WEBHOOKS_WARNING);
        httpRouter.use(
          createWebhookRouter({
            cache: state,
            engine,
            store: promotions,
            deliveries: new DatabaseWebhookDeliveryStore(promotions.client),
            logger,
            defaultCluster: clusters.defaultCluster,
            config,
          }),
        );
        httpRouter.addAuthPolicy({
          path: '/promotion',
          allow: 'unauthenticated',
        });
        httpRouter.addAuthPolicy({
          path: '/approval',
          allow: 'unauthenticated',
        });
        httpRouter.use(
          await createRouter({
            ...deps,
            state,
            promotions,
            holds,
            blocks,
            blocking: new VersionBlocking({
              engine,
              store: promotions,
              blocks,
              state,
              auditor,
            }),
            preview: createPromotionPreviewer({ cache: state, strategies }),
            engine,
            defaultCluster: clusters.defaultCluster,
            serviceMutations,
          }),
        );
      },
    });
  },
});
