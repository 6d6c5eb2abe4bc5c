import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import type {
  PromotionGate,
  VersionBlock,
  EnvironmentHold,
  PromotionRecord,
  EnvironmentState,
  PipelineDetail,
  TargetHealth,
  TargetState,
} from '@gitops-pipelines/plugin-pipelines-common';
import {
  compareVersions,
  formatValidationIssue,
  PipelineActionPermissions,
} from '@gitops-pipelines/plugin-pipelines-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { formatAge } from './formatAge';
import { LaneActivity } from './LaneActivity';
import { SoakCountdown } from './SoakCountdown';
import { FreezeChip } from './FreezeChip';
import { GateReasons } from './GateReasons';
import { BlockedVersions, BlockVersionDialog } from '../VersionBlocks';

const useStyles = makeStyles(theme => ({
  lane: {
    height: '100%',
    borderTop: `4px solid ${theme.palette.primary.main}`,
  },
  target: {
    padding: theme.spacing(1, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
    '&:last-child': { borderBottom: 'none' },
  },
  mono: { fontFamily: 'monospace' },
  lanes: {
    display: 'grid',
    gap: theme.spacing(2),
    gridTemplateColumns: 'repeat(auto-fit, minmax(240px, 1fr))',
  },
}));

const healthLabel: Record<TargetHealth, string> = {
  ready: 'Ready',
  'not-ready': 'Not ready',
  progressing: 'Progressing',
  suspended: 'Suspended',
  'app-missing': 'App missing',
  'cluster-not-found': 'Cluster not found',
  'cluster-not-ready': 'Cluster not ready',
  unknown: 'Unknown',
};

/** The health of a target, as a status icon and label. */
export function TargetHealthStatus({ health }: { health: TargetHealth }) {
  const label = healthLabel[health];
  switch (health) {
    case 'ready':
      return <StatusOK>{label}</StatusOK>;
    case 'progressing':
      return <StatusPending>{label}</StatusPending>;
    case 'not-ready':
    case 'cluster-not-found':
    case 'cluster-not-ready':
      return <StatusError>{label}</StatusError>;
    default:
      return <StatusWarning>{label}</StatusWarning>;
  }
}

function Target({ target }: { target: TargetState }) {
  const classes = useStyles();
  return (
    <Box className={classes.target} data-testid="pipeline-target">
      <Typography variant="body2">
        <strong>{target.cluster}</strong> / {target.namespace}
      </Typography>
      <TargetHealthStatus health={target.health} />
      {target.lastTransitionTime && (
        <Typography
          variant="caption"
          color="textSecondary"
          title={target.lastTransitionTime}
        >
          {' '}
          for {formatAge(target.lastTransitionTime)}
        </Typography>
      )}
      <Typography variant="body2" className={classes.mono}>
        {target.version ?? 'no version'}
      </Typography>
      {target.message && (
        <Typography variant="caption" color="textSecondary">
          {target.message}
        </Typography>
      )}
    </Box>
  );
}

function summary(env: EnvironmentState): string {
  const total = env.targets.length;
  const top = env.versions[0];
  if (!top) return `0 of ${total} targets report a version`;
  return `${top.count} of ${total} targets at ${top.version}`;
}

function strategyText(env: EnvironmentState): string {
  const p = env.promotion;
  if (p.kind === 'pull-request' && p.pullRequest) {
    return `pull request to ${p.pullRequest.url} (${p.pullRequest.baseBranch})`;
  }
  if (p.kind === 'notification') return 'notification event';
  return 'no promotion strategy';
}

function promotionText(env: EnvironmentState): string {
  return `${
    env.promotion.manual ? 'Manual approval' : 'Automatic'
  }, ${strategyText(env)}`;
}

/**
 * One pipeline: conditions, validation errors and the environments in order; with
 * `activity`, each lane also shows its hold and its promotions in flight.
 */
export function PipelineView({
  pipeline,
  activity,
}: {
  pipeline: PipelineDetail;
  activity?: {
    active: PromotionRecord[];
    holds: EnvironmentHold[];
    blocks?: VersionBlock[];
    gates?: Record<string, PromotionGate[]>;
    permissions: PipelineActionPermissions;
    onChange: () => void;
  };
}) {
  const classes = useStyles();
  return (
    <Box>
      {pipeline.validationErrors.length > 0 && (
        <Box mb={2}>
          <Alert severity="error">
            The Pipeline spec is invalid:
            <ul>
              {pipeline.validationErrors.map(issue => (
                <li key={formatValidationIssue(issue)}>
                  {formatValidationIssue(issue)}
                </li>
              ))}
            </ul>
          </Alert>
        </Box>
      )}
      {activity?.blocks && (
        <BlockedVersions
          pipeline={pipeline}
          blocks={activity.blocks}
          permissions={activity.permissions}
          onChange={activity.onChange}
        />
      )}
      {pipeline.conditions.map(c => (
        <Box mb={1} key={c.type}>
          <Alert severity={c.status === 'True' ? 'success' : 'warning'}>
            {c.type}: {c.reason} {c.message && `— ${c.message}`}
          </Alert>
        </Box>
      ))}
      <Box className={classes.lanes}>
        {pipeline.environments.map((env, i) => {
          const previous = pipeline.environments[i - 1]?.versions[0]?.version;
          const current = env.versions[0]?.version;
          const active =
            activity?.active.filter(r => r.toEnvironment === env.name) ?? [];
          // A version is shown waiting only when it moves this lane forward (semver; other
          // revisions have no order here), is not already on its way, and is not blocked.
          const ahead =
            previous &&
            previous !== current &&
            (!current || (compareVersions(previous, current) ?? 1) > 0) &&
            !active.some(r => r.version === previous)
              ? previous
              : undefined;
          const blocked = activity?.blocks?.some(b => b.version === ahead);
          const waiting = blocked ? undefined : ahead;
          return (
            <Box key={env.name} data-testid="pipeline-environment">
              <InfoCard
                title={env.name}
                subheader={summary(env)}
                className={classes.lane}
              >
                {activity && (
                  <LaneActivity
                    pipeline={pipeline}
                    env={env}
                    active={active}
                    hold={activity.holds.find(h => h.environment === env.name)}
                    gates={activity.gates}
                    permissions={activity.permissions}
                    onChange={activity.onChange}
                  />
                )}
                {activity &&
                  current &&
                  !activity.blocks?.some(b => b.version === current) && (
                    <BlockVersionDialog
                      pipeline={pipeline}
                      environment={env.name}
                      version={current}
                      permissions={activity.permissions}
                      canRollBack={i > 0}
                      onDone={activity.onChange}
                    />
                  )}
                {i > 0 && (
                  <FreezeChip pipeline={pipeline} environment={env.name} />
                )}
                {i + 1 < pipeline.environments.length && (
                  <SoakCountdown pipeline={pipeline} env={env} />
                )}
                {ahead && blocked && (
                  <Chip size="small" label={`${ahead} is blocked`} />
                )}
                {waiting && (
                  <Chip
                    size="small"
                    color="secondary"
                    label={`${waiting} waiting to be promoted`}
                  />
                )}
                {waiting && (
                  <GateReasons
                    record={{
                      state: 'queued',
                      version: waiting,
                      toEnvironment: env.name,
                      fromEnvironment: pipeline.environments[i - 1]?.name,
                      approvals: [],
                      requiredApprovals: 1,
                    }}
                    pipeline={pipeline}
                    blocks={activity?.blocks ?? []}
                  />
                )}
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="p"
                >
                  {promotionText(env)}
                </Typography>
                {env.targets.map(t => (
                  <Target key={`${t.cluster}/${t.namespace}`} target={t} />
                ))}
              </InfoCard>
            </Box>
          );
        })}
      </Box>
    </Box>
  );
}
