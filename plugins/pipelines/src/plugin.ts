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
import { releaseMatrixRouteRef, rootRouteRef } from './routes';

/** The pipelines frontend plugin for apps on the legacy frontend system. @public */
export const pipelinesPlugin = createPlugin({
  id: 'pipelines',
  apis: [
    createApiFactory({
      api: pipelinesApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new PipelinesClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef, releaseMatrix: releaseMatrixRouteRef },
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
      import('./components/EntityPipelinesContent').then(
        m => m.EntityPipelinesContent,
      ),
    mountPoint: rootRouteRef,
  }),
);

/** A compact card of versions per environment, for the entity overview. @public */
export const EntityPipelinesCard = pipelinesPlugin.provide(
  createComponentExtension({
    name: 'EntityPipelinesCard',
    component: {
      lazy: () =>
        import('./components/EntityPipelinesCard').then(
          m => m.EntityPipelinesCard,
        ),
    },
  }),
);

/**
 * The release matrix page: every pipeline the user may read as rows, environments as
 * columns, drift highlighted, filters by owner, System and management cluster. Mount it at
 * `/pipelines` and add a sidebar item.
 * @public
 */
export const PipelinesPage = pipelinesPlugin.provide(
  createRoutableExtension({
    name: 'PipelinesPage',
    component: () =>
      import('./components/ReleaseMatrix').then(m => m.ReleaseMatrixPage),
    mountPoint: releaseMatrixRouteRef,
  }),
);

/** The release matrix of a System's (or Domain's) components, for their overview. @public */
export const EntityReleaseMatrixCard = pipelinesPlugin.provide(
  createComponentExtension({
    name: 'EntityReleaseMatrixCard',
    component: {
      lazy: () =>
        import('./components/ReleaseMatrix').then(
          m => m.EntityReleaseMatrixCard,
        ),
    },
  }),
);
