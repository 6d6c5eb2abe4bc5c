import type {
  EntityPipelinesResponse,
  PipelineDetail,
} from '@gitops-pipelines/plugin-pipelines-common';
import { screen, waitFor } from '@testing-library/react';
import { PipelinesApi } from '../../api/PipelinesApi';
import {
  podinfoEntity,
  renderWithApis,
} from '../../__testUtils__/renderWithApis';
import { EntityPipelinesContent } from './EntityPipelinesContent';
import { mockPipelinesApi } from '../../__testUtils__/mockPipelinesApi';

const entity = podinfoEntity;

const ref = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
};

function apiReturning(result: Promise<EntityPipelinesResponse>): PipelinesApi {
  return mockPipelinesApi({ getEntityPipelines: jest.fn(() => result) });
}

async function renderWith(api: PipelinesApi) {
  await renderWithApis(<EntityPipelinesContent />, { api, entity });
}

const detail: PipelineDetail = {
  ...ref,
  dataState: 'live',
  appRef: {
    apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
    kind: 'HelmRelease',
    name: 'podinfo',
  },
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: 'ReconciliationSucceeded',
      message: 'All clusters checked',
      lastTransitionTime: '2026-11-25T10:00:00Z',
    },
  ],
  validationErrors: [],
  environments: [
    {
      name: 'dev',
      targets: [
        {
          cluster: 'flux-system/dev',
          namespace: 'podinfo-02-dev',
          health: 'ready',
          appFound: true,
          version: '6.0.1',
        },
      ],
      versions: [{ version: '6.0.1', count: 1 }],
      promotion: {
        kind: 'pull-request',
        manual: false,
        hmac: false,
        pullRequest: {
          type: 'github',
          url: 'https://github.com/my-org/my-repo',
          baseBranch: 'main',
        },
      },
    },
    {
      name: 'prod',
      targets: [
        {
          cluster: 'flux-system/prod',
          namespace: 'podinfo-02-prod',
          health: 'cluster-not-ready',
          appFound: false,
          message: 'connection refused',
        },
      ],
      versions: [],
      promotion: { kind: 'notification', manual: true, hmac: true },
    },
  ],
};

describe('<EntityPipelinesContent />', () => {
  it('shows the linked reference and a no-cluster-data state', async () => {
    await renderWith(
      apiReturning(
        Promise.resolve({
          entityRef: 'component:default/podinfo',
          annotationErrors: [],
          items: [
            {
              ref,
              state: 'no-cluster-data',
              message: 'No data from management cluster "management" yet.',
            },
          ],
        }),
      ),
    );
    expect(
      await screen.findByText('Pipeline flux-system/podinfo-02'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('on management cluster management'),
    ).toBeInTheDocument();
    expect(screen.getByText('No cluster data yet')).toBeInTheDocument();
    expect(
      screen.getByText(/No data from management cluster "management" yet\./),
    ).toBeInTheDocument();
  });

  it('shows a clear not-found entry and annotation errors', async () => {
    await renderWith(
      apiReturning(
        Promise.resolve({
          entityRef: 'component:default/podinfo',
          annotationErrors: ['"bad": expected namespace/name'],
          items: [
            {
              ref,
              state: 'not-found',
              message:
                'Pipeline flux-system/podinfo-02 does not exist on management cluster "management".',
            },
          ],
        }),
      ),
    );
    expect(
      await screen.findByText(/Pipeline flux-system\/podinfo-02 was not found/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/does not exist on management cluster/),
    ).toBeInTheDocument();
    expect(screen.getByText(/annotation are invalid/)).toBeInTheDocument();
  });

  it('shows environments, targets, versions and what waits for promotion', async () => {
    await renderWith(
      apiReturning(
        Promise.resolve({
          entityRef: 'component:default/podinfo',
          annotationErrors: [],
          items: [{ ref, state: 'found', pipeline: detail }],
        }),
      ),
    );
    expect(await screen.findAllByTestId('pipeline-environment')).toHaveLength(
      2,
    );
    expect(screen.getAllByTestId('pipeline-target')).toHaveLength(2);
    expect(screen.getByText('1 of 1 targets at 6.0.1')).toBeInTheDocument();
    expect(
      screen.getByText('0 of 1 targets report a version'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('6.0.1 waiting to be promoted'),
    ).toBeInTheDocument();
    expect(screen.getByText('Cluster not ready')).toBeInTheDocument();
    expect(screen.getByText('connection refused')).toBeInTheDocument();
    expect(
      screen.getByText('Manual approval, notification event'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Ready: ReconciliationSucceeded/),
    ).toBeInTheDocument();
  });

  it('refetches when the backend reports a change to a shown pipeline', async () => {
    let emit: (e: any) => void = () => {};
    const responses = [
      {
        entityRef: 'component:default/podinfo',
        annotationErrors: [],
        items: [{ ref, state: 'found' as const, pipeline: detail }],
      },
      {
        entityRef: 'component:default/podinfo',
        annotationErrors: [],
        items: [
          {
            ref,
            state: 'found' as const,
            pipeline: {
              ...detail,
              environments: [
                {
                  ...detail.environments[0],
                  versions: [{ version: '6.2.0', count: 1 }],
                },
              ],
            },
          },
        ],
      },
    ];
    const api = mockPipelinesApi({
      getEntityPipelines: jest.fn(
        async () => responses.shift() ?? responses[0],
      ),
      watchEvents: jest.fn((onEvent, onStatus) => {
        emit = onEvent;
        onStatus?.('live');
        return () => {};
      }),
    });
    await renderWith(api);
    expect(
      await screen.findByText('1 of 1 targets at 6.0.1'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Live: updates as the clusters change'),
    ).toBeInTheDocument();
    emit({
      type: 'pipeline-changed',
      pipeline: { cluster: 'other', namespace: 'x', name: 'y' },
    });
    emit({ type: 'pipeline-changed', pipeline: ref });
    expect(
      await screen.findByText('1 of 1 targets at 6.2.0'),
    ).toBeInTheDocument();
    expect(api.getEntityPipelines).toHaveBeenCalledTimes(2);
  });

  it("follows Backstage signals when the app has them, instead of the plugin's event stream, matching them by the Pipeline's uid", async () => {
    let deliver: (m: any) => void = () => {};
    const signals = {
      subscribe: jest.fn((_channel: string, onMessage: (m: any) => void) => {
        deliver = onMessage;
        return { unsubscribe: jest.fn() };
      }),
    };
    const shown = { ...detail, uid: 'a3f1c9e2-uid-of-podinfo-02' };
    const later = {
      ...shown,
      environments: [
        {
          ...detail.environments[0],
          versions: [{ version: '6.2.0', count: 1 }],
        },
      ],
    };
    const responses = [
      {
        entityRef: 'component:default/podinfo',
        annotationErrors: [],
        items: [{ ref, state: 'found' as const, pipeline: shown }],
      },
      {
        entityRef: 'component:default/podinfo',
        annotationErrors: [],
        items: [{ ref, state: 'found' as const, pipeline: later }],
      },
    ];
    const api = mockPipelinesApi({
      getEntityPipelines: jest.fn(
        async () => responses.shift() ?? responses[0],
      ),
      watchEvents: jest.fn(() => () => {}),
    });
    await renderWithApis(<EntityPipelinesContent />, { api, entity, signals });
    expect(
      await screen.findByText('1 of 1 targets at 6.0.1'),
    ).toBeInTheDocument();
    expect(signals.subscribe).toHaveBeenCalledWith(
      'pipelines:events',
      expect.any(Function),
    );
    expect(api.watchEvents).not.toHaveBeenCalled();
    expect(
      screen.getByText('Live: updates as the clusters change'),
    ).toBeInTheDocument();
    // Signals name no pipeline: a uid this tab does not show is ignored.
    deliver({ type: 'pipelines-changed', uids: ['uid-of-another-team'] });
    deliver({ type: 'promotion-changed', uid: 'uid-of-another-team' });
    await new Promise(r => setTimeout(r, 100));
    expect(api.getEntityPipelines).toHaveBeenCalledTimes(1);
    deliver({ type: 'pipelines-changed', uids: [shown.uid] });
    expect(
      await screen.findByText('1 of 1 targets at 6.2.0'),
    ).toBeInTheDocument();
    // "Many changed" (no list) refetches what the tab shows.
    deliver({ type: 'pipelines-changed' });
    await waitFor(() =>
      expect(api.getEntityPipelines).toHaveBeenCalledTimes(3),
    );
  });

  it('shows the backend error', async () => {
    await renderWith(
      apiReturning(Promise.reject(new Error('backend is down'))),
    );
    expect(
      (await screen.findAllByText(/backend is down/)).length,
    ).toBeGreaterThan(0);
    expect(screen.getByText('Try again')).toBeInTheDocument();
  });
});
