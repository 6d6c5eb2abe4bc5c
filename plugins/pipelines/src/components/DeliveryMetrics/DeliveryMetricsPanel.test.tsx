import type { DeliveryMetrics } from '@gitops-pipelines/plugin-pipelines-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { mockPipelinesApi } from '../../__testUtils__/mockPipelinesApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { chartRows } from './DeliveryChart';
import { DeliveryMetricsPanel } from './DeliveryMetricsPanel';
import { formatDuration } from './formatDuration';

const pipeline = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
};
const metrics: DeliveryMetrics = {
  pipeline,
  window: '30d',
  from: '2026-10-31T12:00:00.000Z',
  to: '2026-11-30T12:00:00.000Z',
  environments: [
    {
      environment: 'prod',
      deployments: 4,
      deploymentsPerWeek: 28 / 30,
      leadTime: { count: 4, medianSeconds: 3600, p90Seconds: 3600 },
      failures: 1,
      rollbacks: 1,
      changeFailureRate: 0.5,
      timeToRestore: { count: 2, medianSeconds: 3150, p90Seconds: 4230 },
    },
  ],
  leadTimeFirstToLast: { count: 3, medianSeconds: 90_000, p90Seconds: 92_880 },
  daily: [
    { date: '2026-11-11', environment: 'prod', deployments: 1, failures: 1 },
    { date: '2026-11-22', environment: 'prod', deployments: 1, failures: 0 },
  ],
};

describe('DeliveryMetricsPanel', () => {
  it('shows the four keys per environment and the first → last lead time, and refetches for another window', async () => {
    const api = mockPipelinesApi({
      getDeliveryMetrics: jest.fn(async () => metrics),
    });
    await renderWithApis(
      <DeliveryMetricsPanel pipeline={pipeline} revision={0} />,
      { api },
    );
    const table = await screen.findByRole('table', {
      name: 'Delivery metrics',
    });
    const cells = within(table)
      .getAllByRole('cell')
      .map(c => c.textContent);
    expect(cells).toEqual([
      'prod',
      '4 (0.9 per week)',
      '1 h · 1 h',
      '50 % (1 failed, 1 rolled back)',
      '53 min',
    ]);
    expect(screen.getByText(/median 1 d over 3 versions/)).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: 'Deployments per day over 30d: 2 deployments, 1 failures',
      }),
    ).toBeInTheDocument();
    expect(api.getDeliveryMetrics).toHaveBeenLastCalledWith(pipeline, '30d');

    fireEvent.mouseDown(screen.getByRole('button', { name: 'Metrics window' }));
    fireEvent.click(
      await screen.findByRole('option', { name: 'last 90 days' }),
    );
    await waitFor(() =>
      expect(api.getDeliveryMetrics).toHaveBeenLastCalledWith(pipeline, '90d'),
    );
  });

  it('draws one bar group per day of the window, with the days without events at zero', () => {
    const rows = chartRows(metrics);
    expect(rows).toHaveLength(31); // Oct 31 … Nov 30
    expect(rows.find(r => r.date === '11-11')).toEqual({
      date: '11-11',
      prod: 1,
      failures: 1,
    });
    expect(rows.find(r => r.date === '11-12')).toEqual({
      date: '11-12',
      prod: 0,
      failures: 0,
    });
  });
});

describe('formatDuration', () => {
  it('reads seconds as people do', () => {
    expect([undefined, 45, 720, 12_600, 90_000].map(formatDuration)).toEqual([
      '–',
      '45 s',
      '12 min',
      '3.5 h',
      '1 d',
    ]);
  });
});
