import type { EnvironmentState, PipelineDetail } from './api';
import { freezeStatus } from './freeze';
import type { PromotionRecord, VersionBlock } from './promotions';
import { soakStatus, soakTimeFor } from './soak';

/**
 * One gate between a version and an environment: `passed`, `pending` (it will pass by itself
 * or by someone's decision: approvals, a freeze that ends, a soak that runs out) or `failed`
 * (the version is blocked). The pull request of a promotion carries the same list as a
 * commit status, and the tab shows it.
 * @public
 */
export interface PromotionGate {
  name: 'approvals' | 'freeze' | 'block' | 'soak';
  state: 'passed' | 'pending' | 'failed';
  description: string;
}

/** The gates' verdict: `failure` when one failed, `pending` when one is pending, else `success`. @public */
export interface GateSummary {
  state: 'success' | 'pending' | 'failure';
  description: string;
}

const minutes = (ms: number) => {
  const m = Math.ceil(ms / 60_000);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
};

/** What the gates read of a promotion (or of a version no promotion carries yet). @public */
export type GateRecord = Pick<
  PromotionRecord,
  | 'state'
  | 'version'
  | 'toEnvironment'
  | 'fromEnvironment'
  | 'approvals'
  | 'requiredApprovals'
>;

/**
 * The gates of a promotion of `record.version` into `record.toEnvironment`, at `now` (ms since
 * the epoch): the approvals it still needs, the target environment's freeze (unless a user
 * overrode it: `freezeOverridden`), a block of the version, and the soak of the environment it
 * comes from (`pipelines.weave.works/soak`).
 * @public
 */
export function promotionGates(input: {
  record: GateRecord;
  pipeline: Pick<PipelineDetail, 'annotations' | 'environments'>;
  blocks: VersionBlock[];
  freezeOverridden?: boolean;
  now: number;
}): PromotionGate[] {
  const { record, pipeline, now } = input;
  const approvers = new Set(
    record.approvals.filter(a => a.decision === 'approved').map(a => a.by),
  ).size;
  const gates: PromotionGate[] = [];
  if (record.state === 'waiting-approval') {
    gates.push({
      name: 'approvals',
      state: 'pending',
      description: `${approvers} of ${record.requiredApprovals} approvals`,
    });
  } else if (approvers) {
    gates.push({
      name: 'approvals',
      state: 'passed',
      description: `approved by ${approvers}`,
    });
  }
  const block = input.blocks.find(b => b.version === record.version);
  gates.push(
    block
      ? {
          name: 'block',
          state: 'failed',
          description: `${record.version} is blocked by ${block.blockedBy}: ${block.reason}`,
        }
      : {
          name: 'block',
          state: 'passed',
          description: `${record.version} is not blocked`,
        },
  );
  const freeze = freezeStatus(pipeline.annotations, record.toEnvironment, now);
  if (freeze.frozen) {
    gates.push(
      input.freezeOverridden
        ? {
            name: 'freeze',
            state: 'passed',
            description: `frozen until ${freeze.until}, overridden`,
          }
        : {
            name: 'freeze',
            state: 'pending',
            description: `${record.toEnvironment} is frozen until ${freeze.until}`,
          },
    );
  }
  const from: EnvironmentState | undefined = pipeline.environments.find(
    e => e.name === record.fromEnvironment,
  );
  const soakMs = from
    ? soakTimeFor(pipeline.annotations, from.name)
    : undefined;
  if (from && soakMs !== undefined) {
    const soak = soakStatus(from, soakMs, now);
    if (soak?.state === 'soaking' && soak.version === record.version) {
      gates.push({
        name: 'soak',
        state: 'pending',
        description: `soaking in ${from.name}: ${minutes(
          Date.parse(soak.until) - now,
        )} left`,
      });
    } else if (soak?.state === 'soaked' && soak.version === record.version) {
      gates.push({
        name: 'soak',
        state: 'passed',
        description: `soaked in ${from.name}`,
      });
    }
  }
  return gates;
}

/** One verdict for a forge's commit status: the first failed gate, else the pending ones, else all passed. @public */
export function summarizeGates(gates: PromotionGate[]): GateSummary {
  const failed = gates.find(g => g.state === 'failed');
  if (failed) return { state: 'failure', description: failed.description };
  const pending = gates.filter(g => g.state === 'pending');
  if (pending.length)
    return {
      state: 'pending',
      description: `waiting: ${pending.map(g => g.description).join('; ')}`,
    };
  return { state: 'success', description: 'all gates passed' };
}
