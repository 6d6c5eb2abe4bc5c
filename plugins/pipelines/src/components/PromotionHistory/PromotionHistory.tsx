import { Link, ResponseErrorPanel } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import {
  PipelineKey,
  PromotionRecord,
  PromotionState,
  PipelineActionPermissions,
} from '@gitops-pipelines/plugin-pipelines-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Fragment, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { pipelinesApiRef } from '../../api/PipelinesApi';
import { useRefetchable } from '../../hooks/useRefetchable';
import { formatAge } from '../PipelineView/formatAge';
import { Decision, RowActions } from './PromotionActions';
import { PromotionTimeline } from './PromotionTimeline';
import { PromotionPreviewView } from '../PromotionPreview';

const stateColor: Record<PromotionState, 'default' | 'primary' | 'secondary'> =
  {
    'waiting-approval': 'secondary',
    queued: 'default',
    running: 'primary',
    'awaiting-merge': 'primary',
    'rolling-out': 'primary',
    deployed: 'primary',
    failed: 'secondary',
    rejected: 'default',
    cancelled: 'default',
    superseded: 'default',
  };

const PAGE_SIZE = 10;

/** "1 of 2 approvals": distinct approvers so far, of those the promotion needs. */
export function approvalCount(r: PromotionRecord): string {
  const approvers = new Set(
    r.approvals.filter(a => a.decision === 'approved').map(a => a.by),
  ).size;
  return `${approvers} of ${r.requiredApprovals} approval${
    r.requiredApprovals === 1 ? '' : 's'
  }`;
}
const COLUMNS = 8;

/**
 * The promotion ledger of one pipeline, newest first: what is in flight and held now, each
 * row with its actions (Approve / Reject, Retry, Cancel, Roll back), and its timeline when expanded.
 */
export function PromotionHistory({
  pipeline,
  permissions,
  revision,
}: {
  pipeline: PipelineKey;
  permissions: PipelineActionPermissions;
  /** Changes whenever the backend reports a promotion change: the page is refetched. */
  revision: number;
}) {
  const api = useApi(pipelinesApiRef);
  const identityApi = useApi(identityApiRef);
  const [page, setPage] = useState(0);
  const [open, setOpen] = useState<string | undefined>();
  const me = useAsync(
    async () => (await identityApi.getBackstageIdentity()).userEntityRef,
    [identityApi],
  ).value;
  const { value, error, retry } = useRefetchable(
    () =>
      api.listPromotions(pipeline, {
        offset: page * PAGE_SIZE,
        limit: PAGE_SIZE,
      }),
    [api, pipeline.cluster, pipeline.namespace, pipeline.name, page, revision],
  );

  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  if (value.totalCount === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No promotions yet. They appear here when a webhook, a user or the
        scaffolder requests one.
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
            <Fragment key={r.id}>
              <TableRow
                data-testid="promotion-row"
                data-promotion-id={r.id}
                data-version={r.version}
                hover
                style={{ cursor: 'pointer' }}
                onClick={() => setOpen(open === r.id ? undefined : r.id)}
                title="Show the timeline"
              >
                <TableCell title={r.createdAt} style={{ whiteSpace: 'nowrap' }}>
                  {formatAge(r.createdAt)} ago
                </TableCell>
                <TableCell>
                  {r.fromEnvironment ?? '?'} → {r.toEnvironment}
                </TableCell>
                <TableCell style={{ fontFamily: 'monospace' }}>
                  {r.version}
                </TableCell>
                <TableCell>{r.trigger}</TableCell>
                <TableCell>{r.requestedBy}</TableCell>
                <TableCell>
                  {r.state === 'waiting-approval' && (
                    <div data-testid="approval-count">{approvalCount(r)}</div>
                  )}
                  {r.approvals.map(a => (
                    <div key={`${a.by}${a.at}`} title={a.reason}>
                      {a.decision} by {a.by}
                    </div>
                  ))}
                </TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    color={stateColor[r.state]}
                    label={r.state}
                  />
                  <Box mt={1} onClick={e => e.stopPropagation()}>
                    {r.state === 'waiting-approval' && (
                      <Decision
                        record={r}
                        permissions={permissions}
                        me={me}
                        onDone={retry}
                      />
                    )}{' '}
                    <RowActions
                      pipeline={pipeline}
                      record={r}
                      permissions={permissions}
                      me={me}
                      onDone={retry}
                    />
                  </Box>
                </TableCell>
                <TableCell>
                  {r.pullRequestUrl && (
                    <Link to={r.pullRequestUrl}>
                      Pull request
                      {r.pullRequestNumber ? ` #${r.pullRequestNumber}` : ''}
                    </Link>
                  )}
                  {r.mergedBy && (
                    <Typography variant="caption" component="div">
                      merged by {r.mergedBy}
                    </Typography>
                  )}
                  {r.error && (
                    <Typography variant="caption" color="error" component="div">
                      {r.error}
                    </Typography>
                  )}
                </TableCell>
              </TableRow>
              {open === r.id && (
                <TableRow>
                  <TableCell colSpan={COLUMNS}>
                    {r.state === 'waiting-approval' && (
                      // What approving lets through: the exact change, before anyone approves it.
                      <PromotionPreviewView
                        pipeline={pipeline}
                        environment={r.toEnvironment}
                        version={r.version}
                      />
                    )}
                    <PromotionTimeline id={r.id} revision={revision} />
                  </TableCell>
                </TableRow>
              )}
            </Fragment>
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
