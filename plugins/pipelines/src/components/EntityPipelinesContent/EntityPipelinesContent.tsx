import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { EntityPipelineEntry } from '@gitops-pipelines/plugin-pipelines-common';
import {
  ANNOTATION_PIPELINE,
  PipelineActionPermissions,
} from '@gitops-pipelines/plugin-pipelines-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { PipelineEventsStatus } from '../../api/PipelinesApi';
import {
  useEntityPipelines,
  POLL_INTERVAL_MS,
} from '../../hooks/useEntityPipelines';
import { usePromotionActivity } from '../../hooks/usePromotionActivity';
import { NO_PERMISSIONS } from '../../hooks/verdict';
import { DeliveryMetricsPanel } from '../DeliveryMetrics';
import { PipelineView } from '../PipelineView';
import { PromoteDialog } from '../PromoteDialog';
import { PromotionHistory } from '../PromotionHistory';

const liveText: Record<PipelineEventsStatus, string> = {
  connecting: 'Connecting for live updates…',
  live: 'Live: updates as the clusters change',
  polling: `Live updates unavailable: refreshing every ${
    POLL_INTERVAL_MS / 1000
  } s`,
};

function entryTitle(entry: EntityPipelineEntry) {
  return `Pipeline ${entry.ref.namespace}/${entry.ref.name}`;
}

/** A found pipeline: its lanes with what is in flight, and its promotion history. */
function FoundPipeline({
  entry,
  permissions,
  promotionsRevision,
}: {
  entry: Extract<EntityPipelineEntry, { state: 'found' }>;
  permissions: PipelineActionPermissions;
  promotionsRevision: number;
}) {
  const activity = usePromotionActivity(
    entry.ref,
    promotionsRevision,
    JSON.stringify(entry.pipeline.annotations ?? {}),
  );
  return (
    <>
      <PipelineView
        pipeline={entry.pipeline}
        activity={
          activity.value && {
            ...activity.value,
            permissions,
            onChange: activity.retry,
          }
        }
      />
      <Box mt={3}>
        <Typography variant="h6">Promotion history</Typography>
        <PromotionHistory
          pipeline={entry.ref}
          permissions={permissions}
          revision={promotionsRevision}
        />
      </Box>
      <Box mt={3}>
        <DeliveryMetricsPanel
          pipeline={entry.ref}
          revision={promotionsRevision}
        />
      </Box>
    </>
  );
}

function Entry({
  entry,
  promotionsRevision,
}: {
  entry: EntityPipelineEntry;
  promotionsRevision: number;
}) {
  const subheader = `on management cluster ${entry.ref.cluster || '(none)'}`;
  switch (entry.state) {
    case 'found': {
      // What the user may do, as the server decided it on the Pipeline's own entity.
      const permissions = entry.pipeline.permissions ?? NO_PERMISSIONS;
      return (
        <InfoCard
          title={entryTitle(entry)}
          subheader={`${subheader} · app ${entry.pipeline.appRef?.kind ?? ''} ${
            entry.pipeline.appRef?.name ?? ''
          }`}
          action={
            entry.pipeline.validationErrors.length === 0 ? (
              <PromoteDialog
                pipeline={entry.pipeline}
                permissions={permissions}
              />
            ) : undefined
          }
        >
          <FoundPipeline
            entry={entry}
            permissions={permissions}
            promotionsRevision={promotionsRevision}
          />
        </InfoCard>
      );
    }
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
        <WarningPanel
          severity="error"
          title={`${entryTitle(entry)} was not found`}
          message={entry.message}
        />
      );
  }
}

/** The Pipeline tab: every pipeline the entity's annotation links to. @public */
export function EntityPipelinesContent() {
  const { entity } = useEntity();
  const { value, loading, error, retry, live, promotionsRevision } =
    useEntityPipelines(entity);

  if (loading && !value) return <Progress />;
  if (error) {
    return (
      <Box>
        <ResponseErrorPanel error={error} />
        <Typography variant="body2">
          <a
            href="#retry"
            onClick={e => {
              e.preventDefault();
              retry();
            }}
          >
            Try again
          </a>
        </Typography>
      </Box>
    );
  }
  if (
    !value ||
    (value.items.length === 0 && value.annotationErrors.length === 0)
  ) {
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
      <Typography
        variant="caption"
        color="textSecondary"
        data-testid="pipelines-live"
      >
        {liveText[live]}
      </Typography>
      {value.annotationErrors.length > 0 && (
        <WarningPanel
          title={`Some entries of the ${ANNOTATION_PIPELINE} annotation are invalid`}
          message={value.annotationErrors.join('; ')}
        />
      )}
      {value.items.map(entry => (
        <Entry
          key={`${entry.ref.cluster}/${entry.ref.namespace}/${entry.ref.name}`}
          entry={entry}
          promotionsRevision={promotionsRevision}
        />
      ))}
    </Box>
  );
}
