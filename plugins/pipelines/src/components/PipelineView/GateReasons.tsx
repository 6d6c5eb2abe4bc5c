import type {
  PipelineDetail,
  PromotionGate,
  GateRecord,
  VersionBlock,
} from '@gitops-pipelines/plugin-pipelines-common';
import { promotionGates } from '@gitops-pipelines/plugin-pipelines-common';
import Typography from '@material-ui/core/Typography';
import { useNow } from '../../hooks/useNow';

/** The gates that hold a version back, as a caption; nothing when every gate passes. */
export function HeldBy({
  environment,
  gates,
}: {
  environment: string;
  gates: PromotionGate[];
}) {
  const held = gates.filter(g => g.state !== 'passed');
  if (!held.length) return null;
  return (
    <Typography
      variant="caption"
      color={held.some(g => g.state === 'failed') ? 'error' : 'textSecondary'}
      component="span"
      style={{ display: 'block' }}
      data-testid="gate-reasons"
    >
      Not yet into {environment}: {held.map(g => g.description).join('; ')}
    </Typography>
  );
}

/**
 * Why a version that no promotion carries yet cannot go into an environment, from the same
 * gates a promotion's pull request carries as its commit status (`promotionGates`):
 * approvals, a freeze, a block, a soak. (Active promotions get their gates from the backend,
 * which also knows an overridden freeze.)
 */
export function GateReasons({
  record,
  pipeline,
  blocks,
}: {
  record: GateRecord;
  pipeline: Partial<Pick<PipelineDetail, 'annotations' | 'environments'>>;
  blocks: VersionBlock[];
}) {
  const now = useNow(10_000);
  const gates = promotionGates({
    record,
    pipeline: {
      annotations: pipeline.annotations,
      environments: pipeline.environments ?? [],
    },
    blocks,
    now,
  });
  return <HeldBy environment={record.toEnvironment} gates={gates} />;
}
