import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { EntityPipelineEntry } from '@gitops-pipelines/plugin-pipelines-common';
import { ANNOTATION_PIPELINE } from '@gitops-pipelines/plugin-pipelines-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { pipelinesApiRef } from '../../api/PipelinesApi';
import { PipelineView } from '../PipelineView';

function entryTitle(entry: EntityPipelineEntry) {
  return `Pipeline ${entry.ref.namespace}/${entry.ref.name}`;
}

function Entry({ entry }: { entry: EntityPipelineEntry }) {
  const subheader = `on management cluster ${entry.ref.cluster || '(none)'}`;
  switch (entry.state) {
    case 'found':
      return (
        <InfoCard
          title={entryTitle(entry)}
          subheader={`${subheader} · app ${entry.pipeline.appRef?.kind ?? ''} ${entry.pipeline.appRef?.name ?? ''}`}
        >
          <PipelineView pipeline={entry.pipeline} />
        </InfoCard>
      );
    case 'no-cluster-data':
      return (
        <InfoCard title={entryTitle(entry)} subheader={subheader}>
          <EmptyState
            missing="data"
            title="No cluster data yet"
            description={`${entry.message} Environments, targets and versions appear here as soon as the backend receives the Pipeline from its management cluster.`}
          />
        </InfoCard>
      );
    default:
      return (
        <WarningPanel severity="error" title={`${entryTitle(entry)} was not found`} message={entry.message} />
      );
  }
}

/** The Pipeline tab: every pipeline the entity's annotation links to. @public */
export function EntityPipelinesContent() {
  const { entity } = useEntity();
  const api = useApi(pipelinesApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getEntityPipelines(getCompoundEntityRef(entity)),
    [api, entity],
  );

  if (loading && !value) return <Progress />;
  if (error) {
    return (
      <Box>
        <ResponseErrorPanel error={error} />
        <Typography variant="body2">
          <a href="#retry" onClick={e => { e.preventDefault(); retry(); }}>Try again</a>
        </Typography>
      </Box>
    );
  }
  if (!value || (value.items.length === 0 && value.annotationErrors.length === 0)) {
    return (
      <EmptyState
        missing="field"
        title="No pipeline linked"
        description={`Add the ${ANNOTATION_PIPELINE} annotation (namespace/name) to link this entity to a Pipeline.`}
      />
    );
  }
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      {value.annotationErrors.length > 0 && (
        <WarningPanel
          title={`Some entries of the ${ANNOTATION_PIPELINE} annotation are invalid`}
          message={value.annotationErrors.join('; ')}
        />
      )}
      {value.items.map(entry => (
        <Entry key={`${entry.ref.cluster}/${entry.ref.namespace}/${entry.ref.name}`} entry={entry} />
      ))}
    </Box>
  );
}
