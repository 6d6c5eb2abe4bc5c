import {
  ACTIVE_PROMOTION_STATES,
  IN_FLIGHT_PROMOTION_STATES,
  PipelineKey,
  PromotionApproval,
  PromotionEvent,
  PromotionRecord,
  PromotionState,
} from '@gitops-pipelines/plugin-pipelines-common';
import { createHash } from 'crypto';

/** A timestamp as the engines return it: SQLite epoch milliseconds or strings, PostgreSQL Date. */
export type DbTime = Date | string | number;

/** A row of the `promotions` table. */
export type PromotionRow = {
  id: string;
  cluster: string;
  namespace: string;
  name: string;
  from_environment: string | null;
  to_environment: string;
  version: string;
  trigger: string;
  requested_by: string;
  state: string;
  strategy: string;
  approvals: string;
  pull_request_url: string | null;
  pull_request_number: number | null;
  pull_request_etag?: string | null;
  next_check_at?: DbTime | null;
  merged_by: string | null;
  merged_at: DbTime | null;
  deployed_at: DbTime | null;
  ended_at: DbTime | null;
  retry_of: string | null;
  head_sha: string | null;
  required_approvals: number;
  error: string | null;
  attempts: number;
  claimed_by?: string | null;
  claim_expires_at?: DbTime | null;
  active_key: string | null;
  slot_key: string | null;
  created_at: DbTime;
  updated_at: DbTime;
};

/** A row of the `promotion_events` table. */
export type PromotionEventRow = {
  id: number | string;
  promotion_id: string;
  type: string;
  at: DbTime;
  actor: string | null;
  message: string;
  /** sha256 of type and message for events written at most once (migration 20261201); else null. */
  once_key?: string | null;
};

export function toIso(value: DbTime): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

const optionalIso = (value: DbTime | null | undefined) =>
  value === null || value === undefined ? undefined : toIso(value);

export function mapToRecord(row: PromotionRow): PromotionRecord {
  const record: PromotionRecord = {
    id: row.id,
    pipeline: {
      cluster: row.cluster,
      namespace: row.namespace,
      name: row.name,
    },
    fromEnvironment: row.from_environment ?? undefined,
    toEnvironment: row.to_environment,
    version: row.version,
    trigger: row.trigger as PromotionRecord['trigger'],
    requestedBy: row.requested_by,
    approvals: JSON.parse(row.approvals) as PromotionApproval[],
    state: row.state as PromotionState,
    strategy: row.strategy as PromotionRecord['strategy'],
    pullRequestUrl: row.pull_request_url ?? undefined,
    pullRequestNumber:
      row.pull_request_number === null
        ? undefined
        : Number(row.pull_request_number),
    mergedBy: row.merged_by ?? undefined,
    mergedAt: optionalIso(row.merged_at),
    deployedAt: optionalIso(row.deployed_at),
    endedAt: optionalIso(row.ended_at),
    retryOf: row.retry_of ?? undefined,
    requiredApprovals: Number(row.required_approvals ?? 1),
    error: row.error ?? undefined,
    attempts: Number(row.attempts),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
  for (const k of Object.keys(record) as Array<keyof PromotionRecord>) {
    if (record[k] === undefined) delete record[k];
  }
  return record;
}

export function mapToEvent(row: PromotionEventRow): PromotionEvent {
  return {
    id: Number(row.id),
    promotionId: row.promotion_id,
    type: row.type as PromotionEvent['type'],
    at: toIso(row.at),
    ...(row.actor ? { actor: row.actor } : {}),
    message: row.message,
  };
}

export const pipelineWhere = (p: PipelineKey) => ({
  cluster: p.cluster,
  namespace: p.namespace,
  name: p.name,
});

const hash = (...parts: string[]) =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex');

/** Unique among active rows: one row per (pipeline, environment, version) while it goes on. */
export function activeKey(
  p: PipelineKey,
  environment: string,
  version: string,
) {
  return hash(p.cluster, p.namespace, p.name, environment, version);
}

/** Unique among in-flight rows: one promotion per (pipeline, environment) writes or rolls out. */
export function slotKey(p: PipelineKey, environment: string) {
  return hash(p.cluster, p.namespace, p.name, environment);
}

/** The key columns a row in `state` carries: set while active / in flight, NULL otherwise. */
export function keysFor(
  row: Pick<
    PromotionRow,
    'cluster' | 'namespace' | 'name' | 'to_environment' | 'version'
  >,
  state: PromotionState,
) {
  const p = { cluster: row.cluster, namespace: row.namespace, name: row.name };
  const ended = !ACTIVE_PROMOTION_STATES.includes(state);
  return {
    active_key: ended ? null : activeKey(p, row.to_environment, row.version),
    slot_key: IN_FLIGHT_PROMOTION_STATES.includes(state)
      ? slotKey(p, row.to_environment)
      : null,
  };
}

/** Whether an error is a unique-constraint violation (SQLite or PostgreSQL). */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return (
    err?.code === '23505' ||
    err?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/.test(err?.message ?? '')
  );
}
