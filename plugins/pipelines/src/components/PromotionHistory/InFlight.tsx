import { Link } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  PipelineKey,
  PromotionListResponse,
  PromotionRecord,
  pipelinesPromotionCreatePermission,
} from '@gitops-pipelines/plugin-pipelines-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { formatAge } from '../PipelineView/formatAge';
import { pipelinesApiRef } from '../../api/PipelinesApi';

/** One line about an active promotion: "6.1.0: PR #12 awaiting merge", "rolling out", "failed: …". */
export function describeActive(r: PromotionRecord): string {
  switch (r.state) {
    case 'waiting-approval':
      return `${r.version}: waiting for approval`;
    case 'queued':
      return `${r.version}: queued`;
    case 'running':
      return `${r.version}: writing the change${
        r.error ? ` (${r.error})` : ''
      }`;
    case 'awaiting-merge':
      return `${r.version}: PR #${r.pullRequestNumber} awaiting merge`;
    case 'rolling-out':
      return `${r.version}: rolling out${
        r.mergedBy ? ` (merged by ${r.mergedBy})` : ''
      }`;
    default:
      return `${r.version}: ${r.state}`;
  }
}

/**
 * What is going on in each environment now: its active promotions, and its hold with a
 * Release button.
 */
export function InFlight({
  pipeline,
  value,
  entityRef,
  onDone,
}: {
  pipeline: PipelineKey;
  value: PromotionListResponse;
  entityRef: string;
  onDone: () => void;
}) {
  const api = useApi(pipelinesApiRef);
  const alertApi = useApi(alertApiRef);
  const { allowed } = usePermission({
    permission: pipelinesPromotionCreatePermission,
    resourceRef: entityRef,
  });
  if (!value.active.length && !value.holds.length) return null;
  const release = async (environment: string) => {
    try {
      await api.releaseHold(pipeline, environment, { entityRef });
      alertApi.post({
        message: `${environment} released`,
        severity: 'success',
        display: 'transient',
      });
      onDone();
    } catch (e) {
      alertApi.post({
        message: `Could not release ${environment}: ${(e as Error).message}`,
        severity: 'error',
      });
    }
  };
  return (
    <Box mb={2} data-testid="in-flight">
      {value.holds.map(h => (
        <Box
          key={`hold-${h.environment}`}
          display="flex"
          alignItems="center"
          style={{ gap: 8 }}
        >
          <Typography variant="body2" data-testid="hold">
            <strong>{h.environment}</strong> held by {h.heldBy} — {h.reason} (
            {formatAge(h.createdAt)} ago)
          </Typography>
          <Button
            size="small"
            variant="outlined"
            disabled={!allowed}
            onClick={() => release(h.environment)}
          >
            Release
          </Button>
        </Box>
      ))}
      {value.active.map(r => (
        <Typography key={r.id} variant="body2" data-testid="active-promotion">
          <strong>{r.toEnvironment}</strong> {describeActive(r)}
          {r.pullRequestUrl && (
            <>
              {' '}
              <Link to={r.pullRequestUrl}>open</Link>
            </>
          )}
        </Typography>
      ))}
    </Box>
  );
}
