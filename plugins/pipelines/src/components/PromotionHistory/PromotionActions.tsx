import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  PipelineKey,
  PromotionRecord,
  pipelinesPromotionApprovePermission,
  pipelinesPromotionCreatePermission,
} from '@gitops-pipelines/plugin-pipelines-common';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { ReactNode } from 'react';
import { pipelinesApiRef } from '../../api/PipelinesApi';
import { useAction } from '../../hooks/useAction';

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
  entityRef,
  me,
  onDone,
}: {
  record: PromotionRecord;
  entityRef: string;
  me?: string;
  onDone: () => void;
}) {
  const api = useApi(pipelinesApiRef);
  const { allowed, loading } = usePermission({
    permission: pipelinesPromotionApprovePermission,
    resourceRef: entityRef,
  });
  const { busy, run } = useAction(onDone);
  let why: string | undefined;
  if (!allowed && !loading)
    why = 'You do not have permission to approve promotions of this entity';
  else if (me !== undefined && me === record.requestedBy)
    why =
      'You requested this promotion: someone else must approve or reject it';
  const decide = (decision: 'approve' | 'reject') =>
    run(
      decision,
      () => api.decidePromotion(record.id, decision, { entityRef }),
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

/** Retry (failed), Cancel (waiting, queued, awaiting merge) and Roll back (deployed) on a history row. */
export function RowActions({
  pipeline,
  record,
  entityRef,
  onDone,
}: {
  pipeline: PipelineKey;
  record: PromotionRecord;
  entityRef: string;
  onDone: () => void;
}) {
  const api = useApi(pipelinesApiRef);
  const { allowed, loading } = usePermission({
    permission: pipelinesPromotionCreatePermission,
    resourceRef: entityRef,
  });
  const { busy, run } = useAction(onDone);
  const why =
    !allowed && !loading
      ? 'You do not have permission to promote this entity'
      : undefined;
  const disabled = Boolean(why) || busy || loading;
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
            () => api.promotionAction(record.id, 'retry', { entityRef }),
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
      <Button
        key="cancel"
        size="small"
        variant="outlined"
        disabled={disabled}
        onClick={() =>
          run(
            'cancel',
            () => api.promotionAction(record.id, 'cancel', { entityRef }),
            `Promotion of ${record.version} cancelled`,
          )
        }
      >
        Cancel
      </Button>,
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
            entityRef,
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
