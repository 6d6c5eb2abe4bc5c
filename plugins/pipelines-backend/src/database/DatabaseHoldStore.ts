import type {
  EnvironmentHold,
  PipelineKey,
} from '@gitops-pipelines/plugin-pipelines-common';
import { createHash, randomUUID } from 'crypto';
import { Knex } from 'knex';
import { HoldStore } from './PromotionStore';
import { DbTime, isUniqueViolation, pipelineWhere, toIso } from './rows';

const TABLE = 'promotion_holds';

type HoldRow = {
  id: string;
  cluster: string;
  namespace: string;
  name: string;
  environment: string;
  held_by: string;
  reason: string;
  promotion_id: string | null;
  created_at: DbTime;
  released_by: string | null;
  released_at: DbTime | null;
  active_key: string | null;
};

const holdKey = (p: PipelineKey, environment: string) =>
  createHash('sha256')
    .update([p.cluster, p.namespace, p.name, environment].join('\u0000'))
    .digest('hex');

function mapToHold(row: HoldRow): EnvironmentHold {
  return {
    environment: row.environment,
    heldBy: row.held_by,
    reason: row.reason,
    createdAt: toIso(row.created_at),
    ...(row.promotion_id ? { promotionId: row.promotion_id } : {}),
  };
}

/**
 * Holds on environments in the plugin's database. At most one unreleased hold per
 * environment (a unique key, NULL once released); released holds stay as history.
 */
export class DatabaseHoldStore implements HoldStore {
  constructor(private readonly db: Knex) {}

  async place(pipeline: PipelineKey, hold: Omit<EnvironmentHold, 'createdAt'>) {
    try {
      await this.db<HoldRow>(TABLE).insert({
        id: randomUUID(),
        ...pipelineWhere(pipeline),
        environment: hold.environment,
        held_by: hold.heldBy,
        reason: hold.reason,
        promotion_id: hold.promotionId ?? null,
        created_at: new Date(),
        active_key: holdKey(pipeline, hold.environment),
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    return (await this.get(pipeline, hold.environment))!;
  }

  async release(pipeline: PipelineKey, environment: string, by: string) {
    const current = await this.get(pipeline, environment);
    if (!current) return undefined;
    const n = await this.db<HoldRow>(TABLE)
      .where({ active_key: holdKey(pipeline, environment) })
      .update({ active_key: null, released_by: by, released_at: new Date() });
    return n ? current : undefined;
  }

  async list(pipeline: PipelineKey) {
    const rows = await this.db<HoldRow>(TABLE)
      .where(pipelineWhere(pipeline))
      .whereNotNull('active_key')
      .orderBy('created_at', 'asc');
    return rows.map(mapToHold);
  }

  async get(pipeline: PipelineKey, environment: string) {
    const row = await this.db<HoldRow>(TABLE)
      .where({ active_key: holdKey(pipeline, environment) })
      .first();
    return row ? mapToHold(row) : undefined;
  }
}
