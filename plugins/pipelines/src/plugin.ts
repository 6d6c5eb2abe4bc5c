import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { pipelinesApiRef } from './api/PipelinesApi';
import { PipelinesClient } from './api/PipelinesClient';
import { rootRouteRef } from './routes';

/** The pipelines frontend plugin for apps on the legacy frontend system. @public */
export const pipelinesPlugin = createPlugin({
  id: 'pipelines',
  apis: [
    createApiFactory({
      api: pipelinesApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new PipelinesClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
});

/**
 * The Pipeline tab for the entity page. Show it only where
 * `isPipelinesAvailable(entity)` holds.
 * @public
 */
export const EntityPipelinesContent = pipelinesPlugin.provide(
  createRoutableExtension({
    name: 'EntityPipelinesContent',
    component: () =>
      import('./components/EntityPipelinesContent').then(m => m.EntityPipelinesContent),
    mountPoint: rootRouteRef,
  }),
);

/** A compact card of versions per environment, for the entity overview. @public */
export const EntityPipelinesCard = pipelinesPlugin.provide(
  createComponentExtension({
    name: 'EntityPipelinesCard',
    component: {
      lazy: () =>
        import('./components/EntityPipelinesCard').then(m => m.EntityPipelinesCard),
    },
  }),
);
