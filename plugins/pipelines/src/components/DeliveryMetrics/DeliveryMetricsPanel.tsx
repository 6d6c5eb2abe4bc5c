import { ResponseErrorPanel, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { PipelineKey } from '@gitops-pipelines/plugin-pipelines-common';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { pipelinesApiRef } from '../../api/PipelinesApi';
import { DeliveryChart } from './DeliveryChart';
import { formatDuration } from './formatDuration';

const WINDOWS = {
  '7d': 'last 7 days',
  '30d': 'last 30 days',
  '90d': 'last 90 days',
};

const percent = (rate: number | undefined) =>
  rate === undefined ? '–' : `${Math.round(rate * 100)} %`;

/**
 * Delivery metrics of one pipeline from the ledger (DORA's four keys per environment, the
 * first → last environment lead time, and a daily chart), for a chosen window. Refetched
 * whenever `revision` changes (a promotion changed).
 */
export function DeliveryMetricsPanel({
  pipeline,
  revision,
}: {
  pipeline: PipelineKey;
  revision: number;
}) {
  const api = useApi(pipelinesApiRef);
  const [window, setWindow] = useState<keyof typeof WINDOWS>('30d');
  const { value, loading, error } = useAsync(
    () => api.getDeliveryMetrics(pipeline, window),
    [
      api,
      pipeline.cluster,
      pipeline.namespace,
      pipeline.name,
      window,
      revision,
    ],
  );

  return (
    <Box>
      <Box display="flex" alignItems="center" style={{ gap: 16 }}>
        <Typography variant="h6">Delivery</Typography>
        <Select
          value={window}
          onChange={e => setWindow(e.target.value as keyof typeof WINDOWS)}
          SelectDisplayProps={
            {
              'aria-label': 'Metrics window',
            } as React.HTMLAttributes<HTMLDivElement>
          }
        >
          {Object.entries(WINDOWS).map(([key, label]) => (
            <MenuItem key={key} value={key}>
              {label}
            </MenuItem>
          ))}
        </Select>
      </Box>
      {error && <ResponseErrorPanel error={error} />}
      {loading && !value && <Progress />}
      {value && (
        <>
          <Table size="small" aria-label="Delivery metrics">
            <TableHead>
              <TableRow>
                <TableCell>Environment</TableCell>
                <TableCell>Deployments</TableCell>
                <TableCell>Lead time (median · p90)</TableCell>
                <TableCell>Change failure rate</TableCell>
                <TableCell>Time to restore (median)</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {value.environments.map(env => (
                <TableRow key={env.environment}>
                  <TableCell>{env.environment}</TableCell>
                  <TableCell>
                    {env.deployments} ({+env.deploymentsPerWeek.toFixed(1)} per
                    week)
                  </TableCell>
                  <TableCell>
                    {formatDuration(env.leadTime.medianSeconds)} ·{' '}
                    {formatDuration(env.leadTime.p90Seconds)}
                  </TableCell>
                  <TableCell>
                    {percent(env.changeFailureRate)} ({env.failures} failed,{' '}
                    {env.rollbacks} rolled back)
                  </TableCell>
                  <TableCell>
                    {formatDuration(env.timeToRestore.medianSeconds)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Typography variant="body2" color="textSecondary">
            Lead time from the first to the last environment:{' '}
            {value.leadTimeFirstToLast.count
              ? `median ${formatDuration(
                  value.leadTimeFirstToLast.medianSeconds,
                )} over ${value.leadTimeFirstToLast.count} version${
                  value.leadTimeFirstToLast.count === 1 ? '' : 's'
                }`
              : 'no version went all the way in this window'}
          </Typography>
          <DeliveryChart metrics={value} />
        </>
      )}
    </Box>
  );
}
