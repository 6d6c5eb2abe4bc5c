import { useApi } from '@backstage/core-plugin-api';
import {
  PromotionRecord,
  PipelineActionPermissions,
} from '@gitops-pipelines/plugin-pipelines-common';
import Button from '@material-ui/core/Button';
import { pipelinesApiRef } from '../../api/PipelinesApi';
import { useAction } from '../../hooks/useAction';
import { verdict } from '../../hooks/verdict';

/**
 * "Override freeze" on a queued promotion into a frozen environment (permission
 * `pipelines.promotion.override`): asks why, and lets it proceed now (audited).
 */
export function OverrideFreezeButton({
  record,
  permissions,
  onDone,
}: {
  record: PromotionRecord;
  permissions: PipelineActionPermissions;
  onDone: () => void;
}) {
  const api = useApi(pipelinesApiRef);
  const { busy, run } = useAction(onDone);
  const { allowed } = verdict(permissions, 'override');
  const override = () => {
    // A reason is required to break the glass; it goes to the promotion's log and the audit.
    // eslint-disable-next-line no-alert
    const reason = window.prompt(
      `Why must ${record.version} go into ${record.toEnvironment} during the freeze?`,
    );
    if (!reason?.trim()) return;
    void run(
      'override the freeze',
      () => api.overrideFreeze(record.id, { reason }),
      `Freeze overridden: ${record.version} goes into ${record.toEnvironment}`,
    );
  };
  return (
    <Button
      size="small"
      variant="outlined"
      disabled={!allowed || busy}
      title={
        allowed
          ? undefined
          : 'You do not have permission to override freezes of this entity'
      }
      onClick={override}
    >
      Override freeze
    </Button>
  );
}
