import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EnvironmentHold,
  EnvironmentState,
  freezeStatus,
  PipelineKey,
  PipelineDetail,
  PromotionRecord,
  PromotionGate,
  PipelineActionPermissions,
} from '@gitops-pipelines/plugin-pipelines-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { pipelinesApiRef } from '../../api/PipelinesApi';
import { useAction } from '../../hooks/useAction';
import { formatAge } from './formatAge';
import { OverrideFreezeButton } from './OverrideFreezeButton';
import { HeldBy } from './GateReasons';
import { verdict } from '../../hooks/verdict';

/**
 * One line about an active promotion of an environment: "6.1.0: PR #12 awaiting merge",
 * "6.1.0: rolling out 1 of 2 targets", "6.1.0: writing the change (attempt 1 of 5 failed: …)".
 */
export function describeActive(
  r: PromotionRecord,
  env?: EnvironmentState,
): string {
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
    case 'rolling-out': {
      const targets = env?.targets ?? [];
      const ready = targets.filter(
        t => t.health === 'ready' && t.version === r.version,
      ).length;
      return `${r.version}: rolling out ${ready} of ${targets.length} targets${
        r.mergedBy ? ` (merged by ${r.mergedBy})` : ''
      }`;
    }
    default:
      return `${r.version}: ${r.state}`;
  }
}

/** What an environment's promotions are doing now, shown in its lane. */
export interface LaneActivityProps {
  /** The pipeline, with its `pipelines.weave.works/…` annotations (freeze windows) and environments (soak). */
  pipeline: PipelineKey &
    Partial<Pick<PipelineDetail, 'annotations' | 'environments'>>;
  /** The gates of each active promotion, by id (from the backend). */
  gates?: Record<string, PromotionGate[]>;
  env: EnvironmentState;
  /** The environment's active promotions, oldest first. */
  active: PromotionRecord[];
  hold?: EnvironmentHold;
  /** What the user may do on the pipeline, as the server decided it on its own entity. */
  permissions: PipelineActionPermissions;
  /** Called after the hold was released. */
  onChange: () => void;
}

/** In a lane: the environment's hold with a Release button, and its promotions in flight. */
export function LaneActivity({
  pipeline,
  env,
  active,
  hold,
  gates = {},
  permissions,
  onChange,
}: LaneActivityProps) {
  const api = useApi(pipelinesApiRef);
  const { run } = useAction(onChange);
  const { allowed } = verdict(permissions, 'create');
  const frozen = freezeStatus(pipeline.annotations, env.name, Date.now());
  if (!active.length && !hold) return null;
  const release = () =>
    run(
      `release ${env.name}`,
      () => api.releaseHold(pipeline, env.name),
      `${env.name} released`,
    );
  return (
    <Box mb={1}>
      {hold && (
        <Box
          display="flex"
          alignItems="center"
          flexWrap="wrap"
          style={{ gap: 8 }}
        >
          <Typography variant="body2" data-testid="hold">
            Held by {hold.heldBy} — {hold.reason} ({formatAge(hold.createdAt)}{' '}
            ago)
          </Typography>
          <Button
            size="small"
            variant="outlined"
            disabled={!allowed}
            onClick={release}
          >
            Release
          </Button>
        </Box>
      )}
      {active.map(r => (
        <Typography key={r.id} variant="body2" data-testid="active-promotion">
          {describeActive(r, env)}
          {r.state === 'queued' && frozen.frozen && (
            <>
              {`, frozen until ${new Date(frozen.until).toLocaleString()}`}{' '}
              <OverrideFreezeButton
                record={r}
                permissions={permissions}
                onDone={onChange}
              />
            </>
          )}
          {r.pullRequestUrl && (
            <>
              {' '}
              <Link to={r.pullRequestUrl}>open</Link>
            </>
          )}
          {r.state !== 'queued' && (
            <HeldBy environment={r.toEnvironment} gates={gates[r.id] ?? []} />
          )}
        </Typography>
      ))}
    </Box>
  );
}
