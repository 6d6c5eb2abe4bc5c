import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import type {
  EnvironmentState,
  EntityPipelineEntry,
} from '@gitops-pipelines/plugin-pipelines-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useEntityPipelines } from '../../hooks/useEntityPipelines';
import { TargetHealthStatus } from '../PipelineView';

function worstHealth(env: EnvironmentState) {
  const order = [
    'cluster-not-found',
    'cluster-not-ready',
    'not-ready',
    'app-missing',
    'progressing',
    'unknown',
    'ready',
  ] as const;
  return order.find(h => env.targets.some(t => t.health === h)) ?? 'unknown';
}

function EntryRows({ entry }: { entry: EntityPipelineEntry }) {
  const name = `${entry.ref.namespace}/${entry.ref.name}`;
  if (entry.state !== 'found') {
    return (
      <TableRow>
        <TableCell>{name}</TableCell>
        <TableCell colSpan={3}>
          <Typography variant="body2" color="textSecondary">
            {entry.state === 'no-cluster-data'
              ? 'No cluster data yet'
              : 'Not found'}
            : {entry.message}
          </Typography>
        </TableCell>
      </TableRow>
    );
  }
  return (
    <>
      {entry.pipeline.environments.map((env, i) => {
        const ready = env.targets.filter(t => t.health === 'ready').length;
        return (
          <TableRow key={env.name} data-testid="pipelines-card-row">
            <TableCell>{i === 0 ? name : ''}</TableCell>
            <TableCell>{env.name}</TableCell>
            <TableCell>
              {env.versions.map(v => v.version).join(', ') || '—'}
            </TableCell>
            <TableCell>
              <TargetHealthStatus health={worstHealth(env)} /> {ready}/
              {env.targets.length}
            </TableCell>
          </TableRow>
        );
      })}
    </>
  );
}

/** A compact overview of the entity's pipelines: version and health per environment. @public */
export function EntityPipelinesCard() {
  const { entity } = useEntity();
  const { value, loading, error } = useEntityPipelines(entity);
  return (
    <InfoCard title="Pipelines" subheader="Versions per environment">
      {loading && !value && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>Pipeline</TableCell>
              <TableCell>Environment</TableCell>
              <TableCell>Version</TableCell>
              <TableCell>Targets ready</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.items.map(entry => (
              <EntryRows
                key={`${entry.ref.cluster}/${entry.ref.namespace}/${entry.ref.name}`}
                entry={entry}
              />
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
