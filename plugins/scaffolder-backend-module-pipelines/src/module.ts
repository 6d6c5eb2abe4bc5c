import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createPromoteAction } from './actions/promote';

/**
 * Adds the `pipelines:promote` action to the scaffolder.
 * @public
 */
export const pipelinesModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'pipelines',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ scaffolder, auth, discovery }) {
        scaffolder.addActions(createPromoteAction({ auth, discovery }));
      },
    });
  },
});
