import type { PipelineDetail } from '@gitops-pipelines/plugin-pipelines-common';
import { freezeStatus } from '@gitops-pipelines/plugin-pipelines-common';
import Chip from '@material-ui/core/Chip';
import { useNow } from '../../hooks/useNow';
import { formatDuration } from '../DeliveryMetrics/formatDuration';

/**
 * A frozen environment (`pipelines.weave.works/freeze`) as its lane shows it: the time left
 * and when the window ends, in the viewer's time; nothing when it is not frozen.
 */
export function FreezeChip({
  pipeline,
  environment,
}: {
  pipeline: PipelineDetail;
  environment: string;
}) {
  const now = useNow(10_000);
  const freeze = freezeStatus(pipeline.annotations, environment, now);
  if (!freeze.frozen) return null;
  const until = new Date(freeze.until);
  return (
    <Chip
      size="small"
      color="secondary"
      data-testid="freeze"
      title={`Frozen by ${freeze.window}: promotions wait until ${freeze.until}`}
      label={`Frozen: ${formatDuration(
        (until.getTime() - now) / 1000,
      )} left (until ${until.toLocaleString(undefined, {
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
      })})`}
    />
  );
}
