import type {
  PipelineActionPermissions,
  PromotionListResponse,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { mockPipelinesApi } from '../../__testUtils__/mockPipelinesApi';
import {
  ALL_PERMISSIONS,
  renderWithApis,
} from '../../__testUtils__/renderWithApis';
import { promotionRecord } from '../../__testUtils__/promotionRecord';
import { NO_PERMISSIONS } from '../../hooks/verdict';
import { PromotionHistory } from './PromotionHistory';

const pipeline = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
};
const row = promotionRecord;

const render = (
  items: PromotionRecord[],
  options: {
    active?: PromotionRecord[];
    holds?: PromotionListResponse['holds'];
    /** The server's verdicts (`permissions` of the pipeline detail). */
    permissions?: PipelineActionPermissions;
    user?: string;
  } = {},
) => {
  const api = mockPipelinesApi({
    listPromotions: jest.fn(async (_p, page) => ({
      items,
      totalCount: items.length,
      active: options.active ?? [],
      holds: options.holds ?? [],
      blocks: [],
      gates: {},
      ...page,
    })),
    decidePromotion: jest.fn(async id => row({ id, state: 'queued' })),
    promotionAction: jest.fn(async id => row({ id, state: 'cancelled' })),
    releaseHold: jest.fn(async () => ({
      environment: 'prod',
      heldBy: 'x',
      reason: 'r',
      createdAt: '',
    })),
    getPromotion: jest.fn(async id => ({
      ...row({ id, state: 'deployed' }),
      events: [
        {
          id: 1,
          promotionId: id,
          type: 'requested' as const,
          at: '2026-11-30T10:00:00Z',
          actor: 'user:default/bob',
          message: 'Requested 6.0.1 into prod (user)',
        },
        {
          id: 2,
          promotionId: id,
          type: 'pull-request-merged' as const,
          at: '2026-11-30T10:05:00Z',
          actor: 'alice',
          message: 'Pull request #7 merged by alice: rolling out',
        },
        {
          id: 3,
          promotionId: id,
          type: 'deployed' as const,
          at: '2026-11-30T10:06:00Z',
          actor: 'pipelines:engine',
          message: 'Deployed: 2 of 2 targets Ready at 6.0.1',
        },
      ],
    })),
  });
  const permissions = options.permissions ?? ALL_PERMISSIONS;
  return {
    api,
    rendered: renderWithApis(
      <PromotionHistory
        pipeline={pipeline}
        permissions={permissions}
        revision={0}
      />,
      { api, ...options },
    ),
  };
};

describe('<PromotionHistory />', () => {
  it('lists promotions with their state, approvals, pull request and error', async () => {
    const { rendered } = render([
      row({
        state: 'deployed',
        pullRequestUrl: 'https://forge/pr/7',
        pullRequestNumber: 7,
        mergedBy: 'alice',
        approvals: [
          {
            by: 'user:default/carol',
            at: '2026-11-25T10:00:00Z',
            decision: 'approved',
          },
        ],
      }),
      row({
        id: '22222222-2222-4222-8222-222222222222',
        state: 'failed',
        error: 'forge said no',
        trigger: 'webhook',
      }),
    ]);
    await rendered;
    expect(await screen.findAllByTestId('promotion-row')).toHaveLength(2);
    expect(
      screen.getByText('approved by user:default/carol'),
    ).toBeInTheDocument();
    expect(screen.getByText('merged by alice')).toBeInTheDocument();
    expect(screen.getByText('Pull request #7').closest('a')).toHaveAttribute(
      'href',
      'https://forge/pr/7',
    );
    expect(screen.getByText('forge said no')).toBeInTheDocument();
    expect(screen.getAllByText('test → prod')).toHaveLength(2);
    expect(screen.getAllByText('2m ago')).toHaveLength(2);
  });

  it('approves a waiting promotion requested by someone else', async () => {
    const { api, rendered } = render([row({})]);
    await rendered;
    expect(await screen.findByTestId('approval-count')).toHaveTextContent(
      '0 of 1 approval',
    );
    const approve = await screen.findByRole('button', { name: 'Approve' });
    await waitFor(() => expect(approve).toBeEnabled());
    fireEvent.click(approve);
    await waitFor(() =>
      expect(api.decidePromotion).toHaveBeenCalledWith(
        '11111111-1111-4111-8111-111111111111',
        'approve',
        {},
      ),
    );
  });

  it('disables the buttons, with the reason, for the requester', async () => {
    const { rendered } = render([row({ requestedBy: 'user:default/alice' })], {
      user: 'user:default/alice',
    });
    await rendered;
    const approve = await screen.findByRole('button', { name: 'Approve' });
    await waitFor(() => expect(approve).toBeDisabled());
    expect(
      screen.getByTitle(
        'You requested this promotion: someone else must approve or reject it',
      ),
    ).toBeInTheDocument();
  });

  it('disables the buttons without the approve permission', async () => {
    const { rendered } = render([row({})], {
      permissions: NO_PERMISSIONS,
    });
    await rendered;
    await waitFor(() =>
      expect(
        screen.getByTitle(
          'You do not have permission to approve promotions of this entity',
        ),
      ).toBeInTheDocument(),
    );
    expect(screen.getByRole('button', { name: 'Reject' })).toBeDisabled();
  });

  it('says so when there are no promotions', async () => {
    const { rendered } = render([]);
    await rendered;
    expect(await screen.findByText(/No promotions yet/)).toBeInTheDocument();
  });

  it('shows the timeline of a row when it is expanded', async () => {
    const { api, rendered } = render([row({ state: 'deployed' })]);
    await rendered;
    fireEvent.click(await screen.findByTestId('promotion-row'));
    expect(await screen.findByTestId('promotion-timeline')).toBeInTheDocument();
    expect(api.getPromotion).toHaveBeenCalledWith(
      '11111111-1111-4111-8111-111111111111',
    );
    expect(
      screen.getByText('Pull request #7 merged by alice: rolling out'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Deployed: 2 of 2 targets Ready at 6.0.1'),
    ).toBeInTheDocument();
  });

  it('retries a failed row and cancels an awaiting-merge one', async () => {
    const failed = row({ state: 'failed', error: 'no marker' });
    const open = row({
      id: '33333333-3333-4333-8333-333333333333',
      state: 'awaiting-merge',
      pullRequestNumber: 12,
      pullRequestUrl: 'https://forge/pr/12',
    });
    const { api, rendered } = render([failed, open], { active: [open] });
    await rendered;
    const retry = await screen.findByRole('button', { name: 'Retry' });
    await waitFor(() => expect(retry).toBeEnabled());
    fireEvent.click(retry);
    await waitFor(() =>
      expect(api.promotionAction).toHaveBeenCalledWith(failed.id, 'retry', {}),
    );
    // bob requested it: cancelling another person's promotion asks for a reason.
    const prompt = jest
      .spyOn(window, 'prompt')
      .mockReturnValue('superseded by 6.0.2');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(api.promotionAction).toHaveBeenCalledWith(open.id, 'cancel', {
        reason: 'superseded by 6.0.2',
      }),
    );
    prompt.mockRestore();
  });

  it('cancels the user’s own promotion without a reason, and someone else’s only with the approve permission', async () => {
    const mine = row({
      state: 'queued',
      requestedBy: 'user:default/Alice',
    });
    const theirs = row({
      id: '44444444-4444-4444-8444-444444444444',
      state: 'queued',
    });
    const { api, rendered } = render([mine, theirs], {
      active: [mine, theirs],
      permissions: { ...ALL_PERMISSIONS, approve: false },
    });
    await rendered;
    const [cancelMine, cancelTheirs] = await screen.findAllByRole('button', {
      name: 'Cancel',
    });
    // Identities compare normalised: user:default/Alice is the signed-in user:default/alice.
    await waitFor(() => expect(cancelMine).toBeEnabled());
    expect(cancelTheirs).toBeDisabled();
    expect(
      screen.getByTitle(
        `You may not cancel a promotion ${theirs.requestedBy} requested: that needs the approve permission`,
      ),
    ).toBeInTheDocument();
    fireEvent.click(cancelMine);
    await waitFor(() =>
      expect(api.promotionAction).toHaveBeenCalledWith(mine.id, 'cancel', {}),
    );
  });

  it('counts distinct approvers against the quorum', async () => {
    const { rendered } = render([
      row({
        requiredApprovals: 2,
        approvals: [
          {
            by: 'user:default/carol',
            at: '2026-11-30T10:00:00Z',
            decision: 'approved',
          },
        ],
      }),
    ]);
    await rendered;
    expect(await screen.findByTestId('approval-count')).toHaveTextContent(
      '1 of 2 approvals',
    );
    expect(
      screen.getByText('approved by user:default/carol'),
    ).toBeInTheDocument();
  });
});
