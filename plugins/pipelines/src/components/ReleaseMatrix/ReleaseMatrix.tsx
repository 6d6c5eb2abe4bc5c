import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { LaneHealth } from '@gitops-pipelines/plugin-pipelines-common';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useState } from 'react';
import { TargetHealthStatus } from '../PipelineView/PipelineView';
import { cellDrift, matrixColumns, MatrixRow } from './matrixModel';

const useStyles = makeStyles(theme => ({
  behind: { backgroundColor: theme.palette.warning.light },
  mixed: { backgroundColor: theme.palette.info.light },
  version: { fontFamily: 'monospace', whiteSpace: 'nowrap' },
  cell: { whiteSpace: 'nowrap' },
}));

const healthOf: Record<
  LaneHealth,
  Parameters<typeof TargetHealthStatus>[0]['health']
> = {
  ready: 'ready',
  progressing: 'progressing',
  failing: 'not-ready',
  unknown: 'unknown',
};

/** Git revisions (`main@sha1:<40 hex>`) shortened to 7 digits, as Git shows them; versions as they are. */
export function shortVersion(version: string): string {
  return version.replace(/^(.*@sha\d*:)([0-9a-f]{7})[0-9a-f]{5,}$/, '$1$2');
}

const driftText = {
  behind: 'behind the environment before it',
  mixed: 'targets on different versions',
};

function Filter(props: {
  label: string;
  value: string;
  options: string[];
  onChange: (v: string) => void;
}) {
  return (
    <TextField
      select
      size="small"
      label={props.label}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      style={{ minWidth: 180 }}
      SelectProps={{
        SelectDisplayProps: {
          'aria-label': props.label,
        } as React.HTMLAttributes<HTMLDivElement>,
      }}
    >
      <MenuItem value="">All</MenuItem>
      {props.options.map(o => (
        <MenuItem key={o} value={o}>
          {o}
        </MenuItem>
      ))}
    </TextField>
  );
}

/**
 * The release matrix: pipelines as rows, environments as columns (in pipeline order), each
 * cell the version with the environment's health; drift is highlighted — an environment
 * behind the one before it, or targets of one environment on different versions. Filters by
 * owner, System and management cluster; each row links to the entity tabs.
 */
export function ReleaseMatrix({
  rows,
  filters = true,
}: {
  rows: MatrixRow[];
  filters?: boolean;
}) {
  const classes = useStyles();
  const entityRoute = useRouteRef(entityRouteRef);
  const [owner, setOwner] = useState('');
  const [system, setSystem] = useState('');
  const [cluster, setCluster] = useState('');
  const facet = (f: (r: MatrixRow) => string[]) =>
    [...new Set(rows.flatMap(f))].sort();
  const shown = rows.filter(
    r =>
      (!owner || r.owners.includes(owner)) &&
      (!system || r.systems.includes(system)) &&
      (!cluster || r.pipeline.cluster === cluster),
  );
  const columns = matrixColumns(shown.map(r => r.pipeline));
  return (
    <Box>
      {filters && (
        <Box display="flex" style={{ gap: 16 }} mb={2}>
          <Filter
            label="Owner"
            value={owner}
            options={facet(r => r.owners)}
            onChange={setOwner}
          />
          <Filter
            label="System"
            value={system}
            options={facet(r => r.systems)}
            onChange={setSystem}
          />
          <Filter
            label="Management cluster"
            value={cluster}
            options={facet(r => [r.pipeline.cluster])}
            onChange={setCluster}
          />
        </Box>
      )}
      <Table size="small" aria-label="Release matrix">
        <TableHead>
          <TableRow>
            <TableCell>Pipeline</TableCell>
            {columns.map(c => (
              <TableCell key={c}>{c}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.map(row => {
            const p = row.pipeline;
            return (
              <TableRow
                key={`${p.cluster}/${p.namespace}/${p.name}`}
                data-testid="matrix-row"
              >
                <TableCell>
                  <Typography variant="body2">
                    <strong>
                      {p.namespace}/{p.name}
                    </strong>{' '}
                    <Typography
                      component="span"
                      variant="caption"
                      color="textSecondary"
                    >
                      on {p.cluster}
                    </Typography>
                  </Typography>
                  {row.entities.map(e => (
                    <Typography
                      key={stringifyEntityRef(e)}
                      variant="caption"
                      component="div"
                    >
                      <Link
                        to={`${entityRoute(entityRouteParams(e))}/pipelines`}
                      >
                        {e.metadata.title ?? e.metadata.name}
                      </Link>
                    </Typography>
                  ))}
                </TableCell>
                {columns.map(c => {
                  const i = p.lanes.findIndex(l => l.name === c);
                  if (i === -1) return <TableCell key={c} />;
                  const lane = p.lanes[i];
                  const drift = cellDrift(p.lanes, i);
                  return (
                    <TableCell
                      key={c}
                      className={`${classes.cell} ${
                        drift ? classes[drift] : ''
                      }`}
                      title={drift ? driftText[drift] : undefined}
                      data-testid="matrix-cell"
                      data-drift={drift ?? ''}
                    >
                      <Typography
                        variant="body2"
                        className={classes.version}
                        title={lane.versions.map(v => v.version).join(', ')}
                      >
                        {lane.versions
                          .map(v =>
                            lane.versions.length > 1
                              ? `${shortVersion(v.version)} ×${v.count}`
                              : shortVersion(v.version),
                          )
                          .join(', ') || '–'}
                      </Typography>
                      <TargetHealthStatus health={healthOf[lane.health]} />
                    </TableCell>
                  );
                })}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {!shown.length && (
        <Typography variant="body2" color="textSecondary">
          No pipeline to show{rows.length ? ' with these filters' : ''}.
        </Typography>
      )}
    </Box>
  );
}
