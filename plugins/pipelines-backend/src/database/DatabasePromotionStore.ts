import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type {
  PipelineKey,
  PromotionApproval,
  PromotionRecord,
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
}
