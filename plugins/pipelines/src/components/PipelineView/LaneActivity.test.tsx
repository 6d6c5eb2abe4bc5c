import type {
  EnvironmentState,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { mockPipelinesApi } from '../../__testUtils__/mockPipelinesApi';
import {
  ALL_PERMISSIONS,
  renderWithApis,
} from '../../__testUtils__/renderWithApis';
import { promotionRecord } from '../../__testUtils__/promotionRecord';
import { describeActive, LaneActivity } from './LaneActivity';

const pipeline = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
};
const env: EnvironmentState = {
  name: 'prod',
  targets: [
    {
      cluster: 'flux-system/prod',
      namespace: 'a',
      health: 'ready',
      appFound: true,
      version: '6.1.0',
    },
    {
      cluster: 'flux-system/prod',
      namespace: 'b',
      health: 'progressing',
      appFound: true,
      version: '6.0.0',
    },
  ],
  versions: [],
  promotion: { kind: 'pull-request', manual: false, hmac: false },
};
const promotion = (over: Partial<PromotionRecord>) =>
  promotionRecord({
    fromEnvironment: undefined,
    version: '6.1.0',
    state: 'awaiting-merge',
    attempts: 1,
    createdAt: '2026-11-30T10:00:00Z',
    updatedAt: '2026-11-30T10:00:00Z',
    ...over,
  });

describe('describeActive', () => {
  it('says where each active promotion stands', () => {
    expect(describeActive(promotion({ pullRequestNumber: 12 }), env)).toBe(
      '6.1.0: PR #12 awaiting merge',
    );
    expect(
      describeActive(
        promotion({ state: 'rolling-out', mergedBy: 'alice' }),
        env,
      ),
    ).toBe('6.1.0: rolling out 1 of 2 targets (merged by alice)');
    expect(
      describeActive(
        promotion({
          state: 'running',
          error: 'attempt 1 of 5 failed: HTTP 502',
        }),
        env,
      ),
    ).toBe('6.1.0: writing the change (attempt 1 of 5 failed: HTTP 502)');
    expect(describeActive(promotion({ state: 'waiting-approval' }), env)).toBe(
      '6.1.0: waiting for approval',
    );
  });
});

describe('<LaneActivity />', () => {
  it('shows the hold and the promotion in flight, and releases the hold', async () => {
    const api = mockPipelinesApi({
      releaseHold: jest.fn(async () => ({
        environment: 'prod',
        heldBy: 'x',
        reason: 'r',
        createdAt: '',
      })),
    });
    const onChange = jest.fn();
    await renderWithApis(
      <LaneActivity
        pipeline={pipeline}
        env={env}
        active={[
          promotion({
            pullRequestNumber: 12,
            pullRequestUrl: 'https://forge/pr/12',
          }),
        ]}
        hold={{
          environment: 'prod',
          heldBy: 'user:default/carol',
          reason: 'rollback to 6.0.1',
          createdAt: new Date().toISOString(),
        }}
        permissions={ALL_PERMISSIONS}
        onChange={onChange}
      />,
      { api },
    );
    expect(screen.getByTestId('hold')).toHaveTextContent(
      'Held by user:default/carol — rollback to 6.0.1',
    );
    expect(screen.getByTestId('active-promotion')).toHaveTextContent(
      '6.1.0: PR #12 awaiting merge open',
    );
    expect(screen.getByText('open').closest('a')).toHaveAttribute(
      'href',
      'https://forge/pr/12',
    );
    const release = screen.getByRole('button', { name: 'Release' });
    await waitFor(() => expect(release).toBeEnabled());
    fireEvent.click(release);
    await waitFor(() =>
      expect(api.releaseHold).toHaveBeenCalledWith(pipeline, 'prod'),
    );
    await waitFor(() => expect(onChange).toHaveBeenCalled());
  });

  it('shows nothing when nothing is going on', async () => {
    await renderWithApis(
      <LaneActivity
        pipeline={pipeline}
        env={env}
        active={[]}
        permissions={ALL_PERMISSIONS}
        onChange={() => {}}
      />,
      {
        api: mockPipelinesApi(),
      },
    );
    expect(screen.queryByTestId('hold')).toBeNull();
    expect(screen.queryByTestId('active-promotion')).toBeNull();
  });
});

describe('a frozen environment', () => {
  it('says until when a queued promotion waits, and breaks the glass with a reason', async () => {
    const onChange = jest.fn();
    const api = mockPipelinesApi({
      overrideFreeze: jest.fn(async id => promotion({ id, state: 'queued' })),
    });
    const queued = promotion({ id: 'q1', state: 'queued' });
    await renderWithApis(
      <LaneActivity
        pipeline={{
          ...pipeline,
          annotations: { 'pipelines.weave.works/freeze': 'prod=00:00-00:00' },
        }}
        env={env}
        active={[queued]}
        permissions={ALL_PERMISSIONS}
        onChange={onChange}
      />,
      { api },
    );
    expect(screen.getByTestId('active-promotion')).toHaveTextContent(
      /^6\.1\.0: queued, frozen until /,
    );
    const prompt = jest
      .spyOn(window, 'prompt')
      .mockReturnValue('hotfix for INC-42');
    fireEvent.click(screen.getByRole('button', { name: 'Override freeze' }));
    await waitFor(() => expect(onChange).toHaveBeenCalled());
    expect(api.overrideFreeze).toHaveBeenCalledWith('q1', {
      reason: 'hotfix for INC-42',
    });
    prompt.mockRestore();
  });
});
