import { Link, ResponseErrorPanel } from '@backstage/core-components';
import { alertApiRef, identityApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  PipelineKey,
  PromotionRecord,
  PromotionState,
  pipelinesPromotionApprovePermission,
} from '@gitops-pipelines/plugin-pipelines-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { pipelinesApiRef } from '../../api/PipelinesApi';
import { formatAge } from '../PipelineView/formatAge';

const stateColor: Record<PromotionState, 'default' | 'primary' | 'secondary'> = {
  'waiting-approval': 'secondary',
  running: 'primary',
  succeeded: 'primary',
  failed: 'secondary',
  rejected: 'default',
  superseded: 'default',
};

const PAGE_SIZE = 10;

function Decision({
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
  const alertApi = useApi(alertApiRef);
  const { allowed, loading } = usePermission({ permission: pipelinesPromotionApprovePermission, resourceRef: entityRef });
  const [busy, setBusy] = useState(false);
  const own = me !== undefined && me === record.requestedBy;
  let why: string | undefined;
  if (!allowed && !loading) why = 'You do not have permission to approve promotions of this entity';
  else if (own) why = 'You requested this promotion: someone else must approve or reject it';
  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    try {
      await api.decidePromotion(record.id, decision, { entityRef });
      alertApi.post({ message: `Promotion of ${record.version} to ${record.toEnvironment} ${decision === 'approve' ? 'approved' : 'rejected'}`, severity: 'success', display: 'transient' });
      onDone();
    } catch (e) {
      alertApi.post({ message: `Could not ${decision}: ${(e as Error).message}`, severity: 'error' });
    } finally {
      setBusy(false);
    }
  };
  const buttons = (
    <span>
      <Button size="small" color="primary" variant="contained" disabled={Boolean(why) || busy || loading} onClick={() => decide('approve')}>
        Approve
      </Button>{' '}
      <Button size="small" variant="outlined" disabled={Boolean(why) || busy || loading} onClick={() => decide('reject')}>
        Reject
      </Button>
    </span>
  );
  return why ? <Tooltip title={why}>{buttons}</Tooltip> : buttons;
}

/** The promotion ledger of one pipeline, newest first, with Approve / Reject on waiting rows. */
export function PromotionHistory({
  pipeline,
  entityRef,
  revision,
}: {
  pipeline: PipelineKey;
  entityRef: string;
  /** Changes whenever the backend reports a promotion change: the page is refetched. */
  revision: number;
}) {
  const api = useApi(pipelinesApiRef);
  const identityApi = useApi(identityApiRef);
  const [page, setPage] = useState(0);
  const me = useAsync(async () => (await identityApi.getBackstageIdentity()).userEntityRef, [identityApi]).value;
  const { value, error, retry } = useAsyncRetry(
    () => api.listPromotions(pipeline, { offset: page * PAGE_SIZE, limit: PAGE_SIZE }),
    [api, pipeline.cluster, pipeline.namespace, pipeline.name, page],
  );
  useEffect(() => {
    if (revision) retry();
  }, [revision]); // eslint-disable-line react-hooks/exhaustive-deps

  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  if (value.totalCount === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No promotions yet. They appear here when a webhook, a user or the scaffolder requests one.
      </Typography>
    );
  }
  return (
    <Box>
      <Table size="small" data-testid="promotion-history">
        <TableHead>
          <TableRow style={{ whiteSpace: 'nowrap' }}>
            <TableCell>When</TableCell>
            <TableCell>Promotion</TableCell>
            <TableCell>Version</TableCell>
            <TableCell>Trigger</TableCell>
            <TableCell>Requested by</TableCell>
            <TableCell>Approvals</TableCell>
            <TableCell>State</TableCell>
            <TableCell>Result</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {value.items.map(r => (
            <TableRow key={r.id} data-testid="promotion-row">
              <TableCell title={r.createdAt} style={{ whiteSpace: 'nowrap' }}>
                {formatAge(r.createdAt)} ago
              </TableCell>
              <TableCell>
                {r.fromEnvironment ?? '?'} → {r.toEnvironment}
              </TableCell>
              <TableCell style={{ fontFamily: 'monospace' }}>{r.version}</TableCell>
              <TableCell>{r.trigger}</TableCell>
              <TableCell>{r.requestedBy}</TableCell>
              <TableCell>
                {r.approvals.map(a => (
                  <div key={`${a.by}${a.at}`} title={a.reason}>
                    {a.decision} by {a.by}
                  </div>
                ))}
              </TableCell>
              <TableCell>
                <Chip size="small" color={stateColor[r.state]} label={r.state} />
                {r.state === 'waiting-approval' && (
                  <Box mt={1}>
                    <Decision record={r} entityRef={entityRef} me={me} onDone={retry} />
                  </Box>
                )}
              </TableCell>
              <TableCell>
                {r.pullRequestUrl && <Link to={r.pullRequestUrl}>Pull request</Link>}
                {r.error && (
                  <Typography variant="caption" color="error" component="div">
                    {r.error}
                  </Typography>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <TablePagination
        component="div"
        count={value.totalCount}
        page={page}
        rowsPerPage={PAGE_SIZE}
        rowsPerPageOptions={[PAGE_SIZE]}
        onPageChange={(_e, p) => setPage(p)}
      />
    </Box>
  );
}
