import { createRouteRef } from '@backstage/core-plugin-api';

/** @public */
export const rootRouteRef = createRouteRef({ id: 'pipelines' });

/** The release matrix page. @public */
export const releaseMatrixRouteRef = createRouteRef({
  id: 'pipelines-release-matrix',
});
