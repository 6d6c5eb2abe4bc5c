import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type {
  PipelineKey,
  PromotionApproval,
  PromotionRecord,
  PromotionState,
} from '@gitops-pipelines/plugin-pipelines-common';
import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import { NewPromotion, PromotionStore } from './PromotionStore';

const TABLE = 'promotions';

const migrationsDir = resolvePackagePath(
  '@gitops-pipelines/plugin-pipelines-backend',
  'migrations',
);

type PromotionRow = {
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
  error: string | null;
  attempts: number;
  claimed_by?: string | null;
  claim_expires_at?: Date | string | number | null;
  created_at: Date | string | number;
  updated_at: Date | string | number;
};

/** SQLite returns timestamps as epoch milliseconds or strings; PostgreSQL as Date. */
function toIso(value: Date | string | number): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

function mapToRecord(row: PromotionRow): PromotionRecord {
  return {
    id: row.id,
    pipeline: { cluster: row.cluster, namespace: row.namespace, name: row.name },
    fromEnvironment: row.from_environment ?? undefined,
    toEnvironment: row.to_environment,
    version: row.version,
    trigger: row.trigger as PromotionRecord['trigger'],
    requestedBy: row.requested_by,
    approvals: JSON.parse(row.approvals) as PromotionApproval[],
    state: row.state as PromotionRecord['state'],
    strategy: row.strategy as PromotionRecord['strategy'],
    pullRequestUrl: row.pull_request_url ?? undefined,
    error: row.error ?? undefined,
    attempts: Number(row.attempts),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

const pipelineWhere = (p: PipelineKey) => ({
  cluster: p.cluster,
  namespace: p.namespace,
  name: p.name,
});

/** The promotion ledger in the plugin's database (SQLite or PostgreSQL). */
export class DatabasePromotionStore implements PromotionStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabasePromotionStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabasePromotionStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async create(promotion: NewPromotion) {
    const now = new Date();
    const row: PromotionRow = {
      id: randomUUID(),
      ...pipelineWhere(promotion.pipeline),
      from_environment: promotion.fromEnvironment ?? null,
      to_environment: promotion.toEnvironment,
      version: promotion.version,
      trigger: promotion.trigger,
      requested_by: promotion.requestedBy,
      state: promotion.state,
      strategy: promotion.strategy,
      approvals: '[]',
      pull_request_url: null,
      error: null,
      attempts: 0,
      created_at: now,
      updated_at: now,
    };
    const inserted = await this.db<PromotionRow>(TABLE)
      .insert(row)
      .onConflict(['cluster', 'namespace', 'name', 'to_environment', 'version'])
      .ignore()
      .returning('id');
    const existing = await this.db<PromotionRow>(TABLE)
      .where({
        ...pipelineWhere(promotion.pipeline),
        to_environment: promotion.toEnvironment,
        version: promotion.version,
      })
      .first();
    if (!existing) {
      throw new Error('promotion row vanished right after it was written');
    }
    const created = inserted.length > 0 && existing.id === row.id;
    return { record: mapToRecord(existing), created };
  }

  async get(id: string) {
    const row = await this.db<PromotionRow>(TABLE).where({ id }).first();
    return row ? mapToRecord(row) : undefined;
  }

  async find(pipeline: PipelineKey, toEnvironment: string, version: string) {
    const row = await this.db<PromotionRow>(TABLE)
      .where({ ...pipelineWhere(pipeline), to_environment: toEnvironment, version })
      .first();
    return row ? mapToRecord(row) : undefined;
  }

  async list(pipeline: PipelineKey, page: { offset: number; limit: number }) {
    const [rows, [{ count }]] = await Promise.all([
      this.db<PromotionRow>(TABLE)
        .where(pipelineWhere(pipeline))
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .offset(page.offset)
        .limit(page.limit),
      this.db(TABLE).where(pipelineWhere(pipeline)).count({ count: '*' }),
    ]);
    return { items: rows.map(mapToRecord), totalCount: Number(count) };
  }

  async transition(
    id: string,
    from: PromotionState[],
    to: PromotionState,
    changes: { approval?: PromotionApproval; error?: string | null; pullRequestUrl?: string } = {},
  ) {
    return this.db.transaction(async tx => {
      const select = tx<PromotionRow>(TABLE).where({ id }).whereIn('state', from);
      // Row locks where the engine has them (PostgreSQL); SQLite serializes writers anyway.
      const row = await (this.db.client.config.client === 'pg' ? select.forUpdate() : select).first();
      if (!row) return undefined;
      const update: Partial<PromotionRow> = { state: to, updated_at: new Date() };
      if (changes.approval) update.approvals = JSON.stringify([...JSON.parse(row.approvals), changes.approval]);
      if (changes.error !== undefined) update.error = changes.error;
      if (changes.pullRequestUrl !== undefined) update.pull_request_url = changes.pullRequestUrl;
      if (to !== 'running') {
        update.claimed_by = null;
        update.claim_expires_at = null;
      }
      const n = await tx<PromotionRow>(TABLE).where({ id }).whereIn('state', from).update(update);
      if (!n) return undefined;
      return mapToRecord({ ...row, ...update } as PromotionRow);
    });
  }

  async supersedePullRequest(pipeline: PipelineKey, toEnvironment: string, pullRequestUrl: string, exceptId: string) {
    return this.db<PromotionRow>(TABLE)
      .where({ ...pipelineWhere(pipeline), to_environment: toEnvironment, state: 'succeeded', pull_request_url: pullRequestUrl })
      .whereNot({ id: exceptId })
      .update({ state: 'superseded', updated_at: new Date() });
  }

  async supersedeWaiting(pipeline: PipelineKey, toEnvironment: string, exceptId: string) {
    return this.db<PromotionRow>(TABLE)
      .where({ ...pipelineWhere(pipeline), to_environment: toEnvironment, state: 'waiting-approval' })
      .whereNot({ id: exceptId })
      .update({ state: 'superseded', updated_at: new Date() });
  }

  async claim(id: string, owner: string, leaseMs: number) {
    const now = new Date();
    const n = await this.db<PromotionRow>(TABLE)
      .where({ id, state: 'running' })
      .andWhere(q => q.whereNull('claim_expires_at').orWhere('claim_expires_at', '<', now))
      .update({
        claimed_by: owner,
        claim_expires_at: new Date(now.getTime() + leaseMs),
        attempts: this.db.raw('attempts + 1'),
        updated_at: now,
      } as any);
    return n === 1;
  }

  async release(id: string, owner: string, retryAt: Date, error: string) {
    await this.db<PromotionRow>(TABLE)
      .where({ id, claimed_by: owner, state: 'running' })
      .update({ claim_expires_at: retryAt, error, updated_at: new Date() });
  }

  async listRunnable(limit: number) {
    const rows = await this.db<PromotionRow>(TABLE)
      .where({ state: 'running' })
      .andWhere(q => q.whereNull('claim_expires_at').orWhere('claim_expires_at', '<', new Date()))
      .orderBy('created_at', 'asc')
      .limit(limit);
    return rows.map(mapToRecord);
  }
}
