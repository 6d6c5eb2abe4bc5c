import { screen } from '@testing-library/react';
import { mockPipelinesApi } from '../../__testUtils__/mockPipelinesApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { PromotionPreviewView } from './PromotionPreviewView';

const pipeline = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
};

describe('<PromotionPreviewView />', () => {
  it('shows the files and lines the pull request would change', async () => {
    const api = mockPipelinesApi({
      previewPromotion: jest.fn(async () => ({
        strategy: 'pull-request' as const,
        repository: 'https://forge/my-org/my-app-repo',
        baseBranch: 'main',
        branch: 'promotion-flux-system-podinfo-02-test',
        title: 'Promote flux-system/podinfo-02 in test to 6.3.0',
        found: 1,
        changed: 1,
        files: [
          {
            path: 'clusters/dev/qa/podinfo.yaml',
            hunks: [
              {
                oldStart: 11,
                oldLines: 2,
                newStart: 11,
                newLines: 2,
                lines: ['-      version: 6.0.1', '+      version: 6.3.0'],
              },
            ],
          },
        ],
      })),
    });
    await renderWithApis(
      <PromotionPreviewView
        pipeline={pipeline}
        environment="test"
        version="6.3.0"
      />,
      { api },
    );
    expect(
      await screen.findByText(
        /Pull request “Promote flux-system\/podinfo-02 in test to 6\.3\.0” from promotion-flux-system-podinfo-02-test into main: 1 of 1/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('preview-file')).toHaveTextContent(
      'clusters/dev/qa/podinfo.yaml@@ -11,2 +11,2 @@-      version: 6.0.1+      version: 6.3.0',
      { normalizeWhitespace: false },
    );
    expect(api.previewPromotion).toHaveBeenCalledWith(pipeline, {
      environment: 'test',
      version: '6.3.0',
    });
  });

  it('shows the event of a notification promotion, and the backend’s refusal', async () => {
    await renderWithApis(
      <PromotionPreviewView
        pipeline={pipeline}
        environment="test"
        version="6.3.0"
      />,
      { api: mockPipelinesApi() },
    );
    expect(await screen.findByText(/"reason": "Promote"/)).toBeInTheDocument();
    const api = mockPipelinesApi({
      previewPromotion: jest.fn(async () =>
        Promise.reject(new Error('"dev" is the first environment')),
      ),
    });
    await renderWithApis(
      <PromotionPreviewView
        pipeline={pipeline}
        environment="dev"
        version="1"
      />,
      { api },
    );
    expect(
      await screen.findByText('"dev" is the first environment'),
    ).toBeInTheDocument();
  });
});
