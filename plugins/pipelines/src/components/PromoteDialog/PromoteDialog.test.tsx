import type { PipelineDetail } from '@gitops-pipelines/plugin-pipelines-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { mockPipelinesApi } from '../../__testUtils__/mockPipelinesApi';
import {
  ALL_PERMISSIONS,
  renderWithApis,
} from '../../__testUtils__/renderWithApis';
import { PromoteDialog } from './PromoteDialog';
import { NO_PERMISSIONS } from '../../hooks/verdict';

const pipeline: PipelineDetail = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
  dataState: 'live',
  conditions: [],
  validationErrors: [],
  environments: [
    {
      name: 'dev',
      targets: [],
      versions: [{ version: '6.1.0', count: 1 }],
      promotion: { kind: 'none', manual: false, hmac: false },
    },
    {
      name: 'test',
      targets: [],
      versions: [{ version: '6.0.1', count: 2 }],
      promotion: {
        kind: 'pull-request',
        manual: false,
        hmac: false,
        pullRequest: {
          type: 'github',
          url: 'https://forge/my-org/my-app-repo',
          baseBranch: 'main',
        },
      },
    },
    {
      name: 'prod',
      targets: [],
      versions: [],
      promotion: { kind: 'notification', manual: true, hmac: true },
    },
  ],
};

describe('<PromoteDialog />', () => {
  it("suggests the previous environment's version, says what will happen, and requests the promotion", async () => {
    const api = mockPipelinesApi({
      createPromotion: jest.fn(
        async () =>
          ({
            id: 'x',
            version: '6.1.0',
            toEnvironment: 'test',
            state: 'running',
          } as any),
      ),
    });
    await renderWithApis(
      <PromoteDialog pipeline={pipeline} permissions={ALL_PERMISSIONS} />,
      { api },
    );
    const promote = screen.getByRole('button', { name: 'Promote' });
    await waitFor(() => expect(promote).toBeEnabled());
    fireEvent.click(promote);
    expect(await screen.findByTestId('promote-version')).toHaveValue('6.1.0');
    expect(screen.getByTestId('promote-description')).toHaveTextContent(
      'Opens (or updates) a pull request on github in https://forge/my-org/my-app-repo against main, editing the fields marked for test. It runs right away.',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Request promotion' }));
    await waitFor(() =>
      expect(api.createPromotion).toHaveBeenCalledWith(pipeline, {
        environment: 'test',
        version: '6.1.0',
      }),
    );
  });

  it("shows the backend's refusal in the dialog", async () => {
    const api = mockPipelinesApi({
      createPromotion: jest.fn(async () =>
        Promise.reject(new Error('Not allowed: pipelines.promotion.create')),
      ),
    });
    await renderWithApis(
      <PromoteDialog pipeline={pipeline} permissions={ALL_PERMISSIONS} />,
      { api },
    );
    const promote = screen.getByRole('button', { name: 'Promote' });
    await waitFor(() => expect(promote).toBeEnabled());
    fireEvent.click(promote);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Request promotion' }),
    );
    expect(
      await screen.findByText('Not allowed: pipelines.promotion.create'),
    ).toBeInTheDocument();
  });

  it('is disabled, with the reason, without the permission', async () => {
    // usePermission caches decisions per permission and resource: this test uses its own entity.
    await renderWithApis(
      <PromoteDialog pipeline={pipeline} permissions={NO_PERMISSIONS} />,
      { api: mockPipelinesApi() },
    );
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Promote' })).toBeDisabled(),
    );
    expect(
      screen.getByTitle('You do not have permission to promote this entity'),
    ).toBeInTheDocument();
  });
});
