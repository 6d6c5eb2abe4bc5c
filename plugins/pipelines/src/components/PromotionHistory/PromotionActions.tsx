import { useApi } from '@backstage/core-plugin-api';
import {
  PipelineKey,
  PromotionRecord,
  PipelineActionPermissions,
  sameIdentity,
} from '@gitops-pipelines/plugin-pipelines-common';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { ReactNode } from 'react';
import { pipelinesApiRef } from '../../api/PipelinesApi';
import { useAction } from '../../hooks/useAction';
import { verdict } from '../../hooks/verdict';

/** Buttons disabled with the reason as a tooltip. */
function Guarded({ why, children }: { why?: string; children: ReactNode }) {
  return why ? (
    <Tooltip title={why}>
      <span>{children}</span>
    </Tooltip>
  ) : (
    <span>{children}</span>
  );
}

/** Approve / Reject on a waiting promotion; the requester and users without the permission are told why not. */
export function Decision({
  record,
  permissions,
  me,
  onDone,
}: {
  record: PromotionRecord;
  permissions: PipelineActionPermissions;
  me?: string;
  onDone: () => void;
}) {
  const api = useApi(pipelinesApiRef);
  const { allowed, loading } = verdict(permissions, 'approve');
  const { busy, run } = useAction(onDone);
  let why: string | undefined;
  if (!allowed && !loading)
    why = 'You do not have permission to approve promotions of this entity';
  else if (me !== undefined && sameIdentity(me, record.requestedBy))
    why =
      'You requested this promotion: someone else must approve or reject it';
  const decide = (decision: 'approve' | 'reject') =>
    run(
      decision,
      () => api.decidePromotion(record.id, decision, {}),
      `Promotion of ${record.version} to ${record.toEnvironment} ${
        decision === 'approve' ? 'approved' : 'rejected'
      }`,
    );
  return (
    <Guarded why={why}>
      <Button
        size="small"
        color="primary"
        variant="contained"
        disabled={Boolean(why) || busy || loading}
        onClick={() => decide('approve')}
      >
        Approve
      </Button>{' '}
      <Button
        size="small"
        variant="outlined"
        disabled={Boolean(why) || busy || loading}
        onClick={() => decide('reject')}
      >
        Reject
      </Button>
    </Guarded>
  );
}

const CANCELLABLE = ['waiting-approval', 'queued', 'awaiting-merge'];

/**
 * Retry (failed), Cancel (waiting, queued, awaiting merge) and Roll back (deployed) on a
 * history row. Cancelling someone else's promotion is a decision, as the server rules:
 * `approve` (not `create`) and a reason, asked for before the call.
 */
export function RowActions({
  pipeline,
  record,
  permissions,
  me,
  onDone,
}: {
  pipeline: PipelineKey;
  record: PromotionRecord;
  permissions: PipelineActionPermissions;
  /** The signed-in user's entity ref. */
  me?: string;
  onDone: () => void;
}) {
  const api = useApi(pipelinesApiRef);
  const { allowed, loading } = verdict(permissions, 'create');
  const { busy, run } = useAction(onDone);
  const why =
    !allowed && !loading
      ? 'You do not have permission to promote this entity'
      : undefined;
  const disabled = Boolean(why) || busy || loading;
  const own = me !== undefined && sameIdentity(me, record.requestedBy);
  const othersWhy = verdict(permissions, 'approve').allowed
    ? undefined
    : `You may not cancel a promotion ${record.requestedBy} requested: that needs the approve permission`;
  const cancelWhy = own ? why : othersWhy;
  const cancel = () => {
    let reason: string | undefined;
    if (!own) {
      // Cancelling someone else's request (approvals and all) needs a reason, which is logged.
      // eslint-disable-next-line no-alert
      reason = window
        .prompt(
          `Cancel the promotion of ${record.version} that ${record.requestedBy} requested? Say why:`,
        )
        ?.trim();
      if (!reason) return;
    }
    void run(
      'cancel',
      () => api.promotionAction(record.id, 'cancel', reason ? { reason } : {}),
      `Promotion of ${record.version} cancelled`,
    );
  };
  const buttons: ReactNode[] = [];
  if (record.state === 'failed') {
    buttons.push(
      <Button
        key="retry"
        size="small"
        variant="outlined"
        disabled={disabled}
        onClick={() =>
          run(
            'retry',
            () => api.promotionAction(record.id, 'retry', {}),
            `Retrying ${record.version} into ${record.toEnvironment}`,
          )
        }
      >
        Retry
      </Button>,
    );
  }
  if (CANCELLABLE.includes(record.state)) {
    buttons.push(
      <Guarded key="cancel" why={cancelWhy}>
        <Button
          size="small"
          variant="outlined"
          disabled={Boolean(cancelWhy) || busy}
          onClick={cancel}
        >
          Cancel
        </Button>
      </Guarded>,
    );
  }
  if (record.state === 'deployed') {
    const rollback = () => {
      if (
        // A confirmation before holding an environment; the rollback is audited.
        // eslint-disable-next-line no-alert
        !window.confirm(
          `Roll ${record.toEnvironment} back to ${record.version}? The environment will be held: no automatic promotion into it until someone releases it.`,
        )
      )
        return;
      void run(
        'roll back',
        () =>
          api.rollback(pipeline, {
            environment: record.toEnvironment,
            version: record.version,
          }),
        `Rolling ${record.toEnvironment} back to ${record.version}`,
      );
    };
    buttons.push(
      <Button
        key="rollback"
        size="small"
        variant="outlined"
        disabled={disabled}
        onClick={rollback}
      >
        Roll back to this
      </Button>,
    );
  }
  return buttons.length ? <Guarded why={why}>{buttons}</Guarded> : null;
}
