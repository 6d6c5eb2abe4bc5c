import type { Sandbox } from './Sandbox';

/**
 * The Backstage config that points the demo app at the sandbox (`app-config.local.yaml`, written
 * by `npm run sandbox`): one account per plugin, as the shipped manifests define them. The
 * pipelines backend (`pipelines.managementClusters`) gets its own token, which reads the
 * Pipelines' Secrets; the Kubernetes plugin (`kubernetes.clusterLocatorMethods`), whose proxy any
 * signed-in user can call, gets the read-only account without Secrets. Never the same token.
 */
export function sandboxAppConfig(sandbox: Sandbox) {
  const { backstage } = sandbox.endpoints();
  const management = {
    name: 'management',
    url: backstage.managementUrl,
    caData: backstage.caData,
  };
  return {
    pipelines: {
      managementClusters: [
        { ...management, serviceAccountToken: backstage.serviceAccountToken },
      ],
      // The notification strategy's Promote events go to the management cluster's notification-controller.
      notificationController: {
        url: sandbox.notificationControllers.management.url,
      },
      // The forge is http on 127.0.0.1: a known forge only written with its scheme (warned at start).
      ...(sandbox.forge
        ? { forges: { allowedHosts: [new URL(sandbox.forge.url).origin] } }
        : {}),
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
              serviceAccountToken: backstage.kubernetesPluginToken,
            },
          ],
        },
      ],
    },
  };
}
