import { screen } from '@testing-library/react';
import { PipelinesApi } from '../../api/PipelinesApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { EntityPipelinesCard } from './EntityPipelinesCard';
import { mockPipelinesApi } from '../../__testUtils__/mockPipelinesApi';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'podinfo',
    namespace: 'default',
    annotations: { 'pipelines.weave.works/pipeline': 'flux-system/podinfo-02' },
  },
  spec: {},
};
const ref = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
};
const target = (health: any, version?: string) => ({
  cluster: 'c',
  namespace: 'n',
  health,
  appFound: true,
  version,
});
const promotion = { kind: 'none' as const, manual: false, hmac: false };

describe('<EntityPipelinesCard />', () => {
  it('shows the version and health of each environment', async () => {
    const api: PipelinesApi = mockPipelinesApi({
      getEntityPipelines: jest.fn(async () => ({
        entityRef: 'component:default/podinfo',
        annotationErrors: [],
        items: [
          {
            ref,
            state: 'found' as const,
            pipeline: {
              ...ref,
              dataState: 'live' as const,
              conditions: [],
              validationErrors: [],
              environments: [
                {
                  name: 'dev',
                  targets: [target('ready', '6.1.0')],
                  versions: [{ version: '6.1.0', count: 1 }],
                  promotion,
                },
                {
                  name: 'prod',
                  targets: [
                    target('ready', '6.0.0'),
                    target('not-ready', '5.9.0'),
                  ],
                  versions: [
                    { version: '6.0.0', count: 1 },
                    { version: '5.9.0', count: 1 },
                  ],
                  promotion,
                },
              ],
            },
          },
        ],
      })),
    });
    await renderWithApis(<EntityPipelinesCard />, { api, entity });
    expect(await screen.findAllByTestId('pipelines-card-row')).toHaveLength(2);
    expect(screen.getByText('flux-system/podinfo-02')).toBeInTheDocument();
    expect(screen.getByText('6.0.0, 5.9.0')).toBeInTheDocument();
    expect(screen.getByText('Not ready')).toBeInTheDocument();
    expect(screen.getByText('1/2')).toBeInTheDocument();
  });
});
