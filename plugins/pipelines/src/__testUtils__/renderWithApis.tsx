import { Entity } from '@backstage/catalog-model';
import { identityApiRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ReactElement } from 'react';
import { PipelinesApi, pipelinesApiRef } from '../api/PipelinesApi';

export const podinfoEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'podinfo',
    namespace: 'default',
    annotations: { 'pipelines.weave.works/pipeline': 'flux-system/podinfo-02' },
  },
  spec: {},
};

/** Renders inside a test app with the pipelines API, a permission decision and a signed-in user. */
export async function renderWithApis(
  element: ReactElement,
  options: {
    api: PipelinesApi;
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    user?: string;
    entity?: Entity;
    signals?: SignalApi;
  },
) {
  const user = options.user ?? 'user:default/alice';
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [pipelinesApiRef, options.api],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: options.permission ?? AuthorizeResult.ALLOW,
          }),
        ],
        [identityApiRef, mockApis.identity({ userEntityRef: user })],
        ...(options.signals ? [[signalApiRef, options.signals] as const] : []),
      ]}
    >
      <EntityProvider entity={options.entity ?? podinfoEntity}>
        {element}
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

/** The server's verdicts for a user who may do everything on the pipeline. */
export const ALL_PERMISSIONS = {
  create: true,
  approve: true,
  override: true,
  block: true,
};
