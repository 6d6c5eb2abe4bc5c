import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import type { FilterPredicate } from '@backstage/filter-predicates';
import { ANNOTATION_PIPELINE } from '@gitops-pipelines/plugin-pipelines-common';
import { pipelinesApiRef } from './api/PipelinesApi';
import { PipelinesClient } from './api/PipelinesClient';
import { PipelinesIcon } from './components/ReleaseMatrix/PipelinesIcon';

/** The pipelines API client, for the new frontend system. @alpha */
export const pipelinesApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: pipelinesApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new PipelinesClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * Entities with the pipeline annotation. The blueprints' `filter` is typed by
 * `@backstage/filter-predicates`, so this package's `alpha.d.ts` refers to that package:
 * it is a dependency, not only a dependency of `@backstage/plugin-catalog-react`.
 */
const hasPipelineAnnotation: FilterPredicate = {
  [`metadata.annotations.${ANNOTATION_PIPELINE}`]: { $exists: true },
};

/** The Pipeline tab, on entities with the pipeline annotation. @alpha */
export const entityPipelinesContent = EntityContentBlueprint.make({
  name: 'pipelines',
  params: {
    path: '/pipelines',
    title: 'Pipeline',
    filter: hasPipelineAnnotation,
    loader: () =>
      import('./components/EntityPipelinesContent').then(m => (
        <m.EntityPipelinesContent />
      )),
  },
});

/** Versions per environment on the entity overview. @alpha */
export const entityPipelinesCard = EntityCardBlueprint.make({
  name: 'pipelines',
  params: {
    filter: hasPipelineAnnotation,
    loader: () =>
      import('./components/EntityPipelinesCard').then(m => (
        <m.EntityPipelinesCard />
      )),
  },
});

const releaseMatrixRouteRef = createRouteRef();

/** The release matrix page at `/pipelines`, with its sidebar item. @alpha */
export const pipelinesPage = PageBlueprint.make({
  params: {
    path: '/pipelines',
    title: 'Pipelines',
    icon: <PipelinesIcon />,
    routeRef: releaseMatrixRouteRef,
    loader: () =>
      import('./components/ReleaseMatrix').then(m => <m.ReleaseMatrixPage />),
  },
});

/** The release matrix of the components of a System or a Domain, on its overview. @alpha */
export const entityReleaseMatrixCard = EntityCardBlueprint.make({
  name: 'release-matrix',
  params: {
    filter: { kind: { $in: ['system', 'domain'] } },
    loader: () =>
      import('./components/ReleaseMatrix').then(m => (
        <m.EntityReleaseMatrixCard />
      )),
  },
});

/** The pipelines plugin for the new frontend system. @alpha */
export default createFrontendPlugin({
  pluginId: 'pipelines',
  title: 'Pipelines',
  routes: { releaseMatrix: releaseMatrixRouteRef },
  extensions: [
    pipelinesApi,
    pipelinesPage,
    entityPipelinesContent,
    entityPipelinesCard,
    entityReleaseMatrixCard,
  ],
});
