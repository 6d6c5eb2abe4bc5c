import type {
  PipelineDetail,
  EnvironmentState,
} from '@gitops-pipelines/plugin-pipelines-common';
import {
  soakStatus,
  soakTimeFor,
} from '@gitops-pipelines/plugin-pipelines-common';
import Chip from '@material-ui/core/Chip';
import { useNow } from '../../hooks/useNow';
import { formatDuration } from '../DeliveryMetrics/formatDuration';

/**
 * The soak of an environment (`pipelines.weave.works/soak`) as a lane shows it: the time
 * left before the level trigger may promote its version out, counted from when every target
 * became Ready at it; nothing when the environment has no soak time or is not settled.
 */
export function SoakCountdown({
  pipeline,
  env,
}: {
  pipeline: PipelineDetail;
  env: EnvironmentState;
}) {
  const now = useNow(10_000);
  const soakMs = soakTimeFor(pipeline.annotations, env.name);
  const status =
    soakMs === undefined ? undefined : soakStatus(env, soakMs, now);
  if (!status || soakMs === undefined) return null;
  const soak = formatDuration(soakMs / 1000);
  const labels = {
    soaking:
      status.state === 'soaking' &&
      `Soaking: ${formatDuration(
        (Date.parse(status.until) - now) / 1000,
      )} left of ${soak}`,
    soaked: `Soaked ${soak}: may move on`,
    unknown: `Soak of ${soak} not counted: a target has no Ready time`,
  };
  const label = labels[status.state];
  return (
    <Chip
      size="small"
      variant="outlined"
      color={status.state === 'soaked' ? 'primary' : 'default'}
      label={label}
      title={
        status.state === 'unknown'
          ? undefined
          : `Healthy at ${status.version} since ${status.since}`
      }
      data-testid="soak"
    />
  );
}
