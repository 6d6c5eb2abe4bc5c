import type {
  EnvironmentState,
  PipelineDetail,
} from '@gitops-pipelines/plugin-pipelines-common';
import { screen, within } from '@testing-library/react';
import { mockPipelinesApi } from '../../__testUtils__/mockPipelinesApi';
import {
  ALL_PERMISSIONS,
  renderWithApis,
} from '../../__testUtils__/renderWithApis';
import { promotionRecord } from '../../__testUtils__/promotionRecord';
import { PipelineView } from './PipelineView';

const lane = (name: string, version: string): EnvironmentState => ({
  name,
  targets: [
    {
      cluster: 'flux-system/dev',
      namespace: `podinfo-${name}`,
      health: 'ready',
      appFound: true,
      version,
    },
  ],
  versions: [{ version, count: 1 }],
  promotion: { kind: 'pull-request', manual: false, hmac: false },
});
const pipeline: PipelineDetail = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
  dataState: 'live',
  conditions: [],
  validationErrors: [],
  environments: [
    lane('dev', '6.1.0'),
    lane('test', '6.0.1'),
    lane('prod', '6.1.0'),
  ],
};
const toTest = promotionRecord({
  fromEnvironment: 'dev',
  toEnvironment: 'test',
  version: '6.1.0',
  state: 'awaiting-merge',
  pullRequestNumber: 12,
});

describe('<PipelineView />', () => {
  it('shows a version waiting only where it would move the lane forward', async () => {
    await renderWithApis(<PipelineView pipeline={pipeline} />, {
      api: mockPipelinesApi(),
    });
    const [, test, prod] = screen.getAllByTestId('pipeline-environment');
    expect(
      within(test).getByText('6.1.0 waiting to be promoted'),
    ).toBeInTheDocument();
    // prod runs 6.1.0: test's 6.0.1 is older, not waiting.
    expect(within(prod).queryByText(/waiting to be promoted/)).toBeNull();
  });

  it("shows a lane's promotion in flight instead of the version waiting", async () => {
    await renderWithApis(
      <PipelineView
        pipeline={pipeline}
        activity={{
          active: [toTest],
          holds: [],
          permissions: ALL_PERMISSIONS,
          onChange: () => {},
        }}
      />,
      { api: mockPipelinesApi() },
    );
    const [, test] = screen.getAllByTestId('pipeline-environment');
    expect(within(test).getByTestId('active-promotion')).toHaveTextContent(
      '6.1.0: PR #12 awaiting merge',
    );
    expect(within(test).queryByText(/waiting to be promoted/)).toBeNull();
  });

  it('counts down the soak time of an environment, from when its targets became Ready at the version', async () => {
    const readySince = (
      env: EnvironmentState,
      minutesAgo: number,
    ): EnvironmentState => ({
      ...env,
      targets: env.targets.map(t => ({
        ...t,
        lastTransitionTime: new Date(
          Date.now() - minutesAgo * 60_000,
        ).toISOString(),
      })),
    });
    await renderWithApis(
      <PipelineView
        pipeline={{
          ...pipeline,
          annotations: { 'pipelines.weave.works/soak': 'dev=30m,test=1h' },
          environments: [
            readySince(lane('dev', '6.1.0'), 10),
            readySince(lane('test', '6.0.1'), 90),
            lane('prod', '6.1.0'),
          ],
        }}
      />,
      { api: mockPipelinesApi() },
    );
    expect(screen.getAllByTestId('soak').map(c => c.textContent)).toEqual([
      'Soaking: 20 min left of 30 min',
      'Soaked 1 h: may move on',
    ]);
  });

  it('shows a frozen environment with the time left', async () => {
    await renderWithApis(
      <PipelineView
        pipeline={{
          ...pipeline,
          annotations: {
            'pipelines.weave.works/freeze': 'prod=00:00-00:00 UTC',
          },
        }}
      />,
      { api: mockPipelinesApi() },
    );
    expect(screen.getAllByTestId('freeze')).toHaveLength(1);
    expect(screen.getByTestId('freeze')).toHaveTextContent(
      /^Frozen: \d+(\.\d)? (h|min|s) left \(until /,
    );
  });

  it('says why a waiting version cannot go on yet, from the gates its pull request would carry', async () => {
    const dev = {
      ...lane('dev', '6.2.0'),
      targets: lane('dev', '6.2.0').targets.map(t => ({
        ...t,
        lastTransitionTime: new Date(Date.now() - 10 * 60_000).toISOString(),
      })),
    };
    await renderWithApis(
      <PipelineView
        pipeline={{
          ...pipeline,
          annotations: {
            'pipelines.weave.works/soak': 'dev=30m',
            'pipelines.weave.works/freeze': 'test=00:00-00:00',
          },
          environments: [dev, lane('test', '6.0.1'), lane('prod', '6.0.1')],
        }}
      />,
      { api: mockPipelinesApi() },
    );
    expect(screen.getByTestId('gate-reasons')).toHaveTextContent(
      /^Not yet into test: test is frozen until .+; soaking in dev: 20 min left$/,
    );
  });
});
