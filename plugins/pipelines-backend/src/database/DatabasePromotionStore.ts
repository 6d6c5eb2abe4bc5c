import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  isPromotionEnded,
  normalizeIdentityRef,
  PromotionApproval,
  PipelineKey,
  PromotionRecord,
  PromotionState,
} from '@gitops-pipelines/plugin-pipelines-common';
import { createHash, randomUUID } from 'crypto';
import { Knex } from 'knex';
import {
  ENGINE_ACTOR,
  NewPromotion,
  NewPromotionEvent,
  PromotionChanges,
  PromotionStore,
  TakeEnvironmentResult,
} from './PromotionStore';
import {
  activeKey,
  isUniqueViolation,
  keysFor,
  mapToEvent,
  mapToRecord,
  pipelineWhere,
  PromotionEventRow,
  PromotionRow,
  slotKey,
} from './rows';

const TABLE = 'promotions';
const EVENTS = 'promotion_events';

const migrationsDir = resolvePackagePath(
  '@gitops-pipelines/plugin-pipelines-backend',
  'migrations',
);

const CHANGE_COLUMNS: Array<[keyof PromotionChanges, keyof PromotionRow]> = [
  ['error', 'error'],
  ['pullRequestUrl', 'pull_request_url'],
  ['pullRequestNumber', 'pull_request_number'],
  ['pullRequestEtag', 'pull_request_etag'],
  ['nextCheckAt', 'next_check_at'],
  ['mergedBy', 'merged_by'],
  ['mergedAt', 'merged_at'],
  ['deployedAt', 'deployed_at'],
  ['headSha', 'head_sha'],
];

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

  /** The knex client, for stores of the same database (holds). */
  get client(): Knex {
    return this.db;
  }

  private event(
    tx: Knex | Knex.Transaction,
    id: string,
    event: NewPromotionEvent,
    at = new Date(),
  ) {
    const row = {
      promotion_id: id,
      type: event.type,
      at,
      actor: event.actor ?? null,
      message: event.message,
    };
    if (!event.once) return tx<PromotionEventRow>(EVENTS).insert(row);
    const onceKey = createHash('sha256')
      .update(`${event.type}\u0000${event.message}`)
      .digest('hex');
    return tx<PromotionEventRow>(EVENTS)
      .insert({ ...row, once_key: onceKey })
      .onConflict(['promotion_id', 'once_key'])
      .ignore();
  }

  /** Locks the selected row where the engine has row locks (PostgreSQL); SQLite serializes writers anyway. */
  private locked<T extends {}>(query: Knex.QueryBuilder<T>) {
    return this.db.client.config.client === 'pg' ? query.forUpdate() : query;
  }

  async create(promotion: NewPromotion, event: NewPromotionEvent) {
    const now = new Date();
    const row = {
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
      retry_of: promotion.retryOf ?? null,
      required_approvals: promotion.requiredApprovals ?? 1,
      attempts: 0,
      created_at: now,
      updated_at: now,
      ...keysFor(
        {
          ...pipelineWhere(promotion.pipeline),
          to_environment: promotion.toEnvironment,
          version: promotion.version,
        },
        promotion.state,
      ),
    };
    try {
      await this.db.transaction(async tx => {
        await tx(TABLE).insert(row);
        await this.event(tx, row.id, event, now);
      });
      return { record: (await this.get(row.id))!, created: true };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      const existing = await this.findActive(
        promotion.pipeline,
        promotion.toEnvironment,
        promotion.version,
      );
      // The active row ended between the insert and the read: the caller may ask again.
      if (!existing)
        throw new Error(
          'the active promotion for this version ended meanwhile; request it again',
        );
      return { record: existing, created: false };
    }
  }

  async get(id: string) {
    const row = await this.db<PromotionRow>(TABLE).where({ id }).first();
    return row ? mapToRecord(row) : undefined;
  }

  async findActive(
    pipeline: PipelineKey,
    toEnvironment: string,
    version: string,
  ) {
    const row = await this.db<PromotionRow>(TABLE)
      .where({ active_key: activeKey(pipeline, toEnvironment, version) })
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

  async listActive(pipeline: PipelineKey, toEnvironment?: string) {
    const query = this.db<PromotionRow>(TABLE)
      .where(pipelineWhere(pipeline))
      .whereNotNull('active_key');
    if (toEnvironment) query.andWhere({ to_environment: toEnvironment });
    return (
      await query.orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
    ).map(mapToRecord);
  }

  async listByState(states: PromotionState[], limit: number) {
    const rows = await this.db<PromotionRow>(TABLE)
      .whereIn('state', states)
      .orderBy('created_at', 'asc')
      .limit(limit);
    return rows.map(mapToRecord);
  }

  async listDeployed(pipeline: PipelineKey, toEnvironment?: string) {
    const query = this.db<PromotionRow>(TABLE).where({
      ...pipelineWhere(pipeline),
      state: 'deployed',
    });
    if (toEnvironment) query.andWhere({ to_environment: toEnvironment });
    return (await query.orderBy('deployed_at', 'desc')).map(mapToRecord);
  }

  async latestEnded(
    pipeline: PipelineKey,
    toEnvironment: string,
    version: string,
  ) {
    const row = await this.db<PromotionRow>(TABLE)
      .where({ ...pipelineWhere(pipeline), to_environment: toEnvironment })
      .andWhere({ version })
      .whereNotNull('ended_at')
      .orderBy([
        { column: 'ended_at', order: 'desc' },
        { column: 'created_at', order: 'desc' },
      ])
      .first();
    return row ? mapToRecord(row) : undefined;
  }

  async listHistorySince(pipeline: PipelineKey, since: Date) {
    const recentVersions = this.db(TABLE)
      .where(pipelineWhere(pipeline))
      .andWhere('updated_at', '>=', since)
      .distinct('version');
    const rows = this.db<PromotionRow>(TABLE)
      .where(pipelineWhere(pipeline))
      .whereIn('version', recentVersions);
    return (
      await rows.orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
    ).map(mapToRecord);
  }

  /** The row update for a move to `to`: keys, end time, changes; claims dropped outside running/awaiting-merge. */
  private updateFor(
    row: PromotionRow,
    to: PromotionState,
    changes: PromotionChanges,
    now: Date,
  ): Partial<PromotionRow> {
    const update: Partial<PromotionRow> = {
      state: to,
      updated_at: now,
      ...keysFor(row, to),
    };
    if (isPromotionEnded(to)) update.ended_at = now;
    if (changes.approval)
      update.approvals = JSON.stringify([
        ...JSON.parse(row.approvals),
        changes.approval,
      ]);
    for (const [field, column] of CHANGE_COLUMNS) {
      if (changes[field] !== undefined)
        (update as any)[column] = changes[field];
    }
    if (to !== row.state) {
      // A new state starts unclaimed; an awaiting-merge row is first polled at `nextCheckAt`.
      update.claimed_by = null;
      update.claim_expires_at = changes.nextCheckAt ?? null;
    }
    return update;
  }

  async transition(
    id: string,
    from: PromotionState[],
    to: PromotionState,
    changes: PromotionChanges = {},
    event?: NewPromotionEvent,
  ) {
    return this.db.transaction(async tx => {
      const row = await this.locked(
        tx<PromotionRow>(TABLE).where({ id }).whereIn('state', from),
      ).first();
      if (!row) return undefined;
      const now = new Date();
      const update = this.updateFor(row, to, changes, now);
      const n = await tx<PromotionRow>(TABLE)
        .where({ id })
        .whereIn('state', from)
        .update(update);
      if (!n) return undefined;
      if (event) await this.event(tx, id, event, now);
      return mapToRecord({ ...row, ...update } as PromotionRow);
    });
  }

  async approve(
    id: string,
    approval: PromotionApproval,
    event: NewPromotionEvent,
  ) {
    return this.db.transaction(async tx => {
      const row = await this.locked(
        tx<PromotionRow>(TABLE).where({ id, state: 'waiting-approval' }),
      ).first();
      if (!row) return undefined;
      const approvals = JSON.parse(row.approvals) as PromotionApproval[];
      // People compare normalised (user:Alice is user:default/alice).
      const approvers = new Set(
        approvals
          .filter(a => a.decision === 'approved')
          .map(a => normalizeIdentityRef(a.by)),
      );
      if (approvers.has(normalizeIdentityRef(approval.by))) {
        return { record: mapToRecord(row), outcome: 'duplicate' as const };
      }
      approvers.add(normalizeIdentityRef(approval.by));
      const outcome =
        approvers.size >= Number(row.required_approvals ?? 1)
          ? ('queued' as const)
          : ('waiting' as const);
      const now = new Date();
      const update = this.updateFor(
        row,
        outcome === 'queued' ? 'queued' : 'waiting-approval',
        { approval },
        now,
      );
      await tx<PromotionRow>(TABLE).where({ id }).update(update);
      await this.event(tx, id, event, now);
      return {
        record: mapToRecord({ ...row, ...update } as PromotionRow),
        outcome,
      };
    });
  }

  async appendEvent(id: string, event: NewPromotionEvent) {
    await this.event(this.db, id, event);
  }

  async events(id: string) {
    const rows = await this.db<PromotionEventRow>(EVENTS)
      .where({ promotion_id: id })
      .orderBy('id', 'asc');
    return rows.map(mapToEvent);
  }

  async takeEnvironment(
    id: string,
    mayReplace: (holder: PromotionRecord) => boolean,
  ): Promise<TakeEnvironmentResult | undefined> {
    try {
      return await this.db.transaction(async tx => {
        const row = await this.locked(
          tx<PromotionRow>(TABLE).where({ id, state: 'queued' }),
        ).first();
        if (!row) return undefined;
        const slot = slotKey(
          { cluster: row.cluster, namespace: row.namespace, name: row.name },
          row.to_environment,
        );
        const holderRow = await this.locked(
          tx<PromotionRow>(TABLE).where({ slot_key: slot }),
        ).first();
        const now = new Date();
        const move = async (
          r: PromotionRow,
          to: PromotionState,
          message: string,
        ) => {
          const update = this.updateFor(r, to, {}, now);
          await tx<PromotionRow>(TABLE).where({ id: r.id }).update(update);
          await this.event(
            tx,
            r.id,
            {
              type: to === 'running' ? 'started' : 'superseded',
              message,
              actor: ENGINE_ACTOR,
            },
            now,
          );
          return mapToRecord({ ...r, ...update } as PromotionRow);
        };
        let replaced: PromotionRecord | undefined;
        // A holder still writing its change finishes first: its push must not land after ours.
        if (holderRow?.state === 'running') return undefined;
        if (holderRow) {
          const holder = mapToRecord(holderRow);
          if (!mayReplace(holder)) {
            const record = await move(
              row,
              'superseded',
              `${holder.version} is already being promoted into ${row.to_environment} (${holder.state}); an older version replaces it only by a rollback`,
            );
            return { taken: false as const, record, holder };
          }
          replaced = await move(
            holderRow,
            'superseded',
            `${row.version} took the environment ${row.to_environment}`,
          );
        }
        const record = await move(
          row,
          'running',
          `Started: writing the promotion of ${row.version} into ${row.to_environment}`,
        );
        return { taken: true as const, record, replaced };
      });
    } catch (e) {
      if (isUniqueViolation(e)) return undefined;
      throw e;
    }
  }

  async supersedePending(
    pipeline: PipelineKey,
    toEnvironment: string,
    exceptId: string,
    states: PromotionState[],
    reason: string,
  ) {
    const rows = await this.db<PromotionRow>(TABLE)
      .where({ ...pipelineWhere(pipeline), to_environment: toEnvironment })
      .whereIn('state', states)
      .whereNot({ id: exceptId });
    const done: PromotionRecord[] = [];
    for (const row of rows) {
      const record = await this.transition(
        row.id,
        states,
        'superseded',
        {},
        { type: 'superseded', message: reason, actor: ENGINE_ACTOR },
      );
      if (record) done.push(record);
    }
    return done;
  }

  async claim(
    id: string,
    state: 'running' | 'awaiting-merge',
    owner: string,
    leaseMs: number,
  ) {
    const now = new Date();
    const n = await this.db<PromotionRow>(TABLE)
      .where({ id, state })
      .andWhere(q =>
        q.whereNull('claim_expires_at').orWhere('claim_expires_at', '<', now),
      )
      .update({
        claimed_by: owner,
        claim_expires_at: new Date(now.getTime() + leaseMs),
        // An attempt of a running row; polling a PR is not one, and keeps `updated_at` (since when it is open).
        ...(state === 'running'
          ? { attempts: this.db.raw('attempts + 1'), updated_at: now }
          : {}),
      } as any);
    return n === 1;
  }

  async release(
    id: string,
    owner: string,
    retryAt: Date,
    error?: string,
    etag?: string,
  ) {
    await this.db<PromotionRow>(TABLE)
      .where({ id, claimed_by: owner })
      .whereIn('state', ['running', 'awaiting-merge'])
      .update({
        claim_expires_at: retryAt,
        next_check_at: retryAt,
        ...(error !== undefined ? { error } : {}),
        ...(etag !== undefined ? { pull_request_etag: etag } : {}),
      });
  }

  async renew(id: string, owner: string, leaseMs: number) {
    const n = await this.db<PromotionRow>(TABLE)
      .where({ id, claimed_by: owner })
      .whereIn('state', ['running', 'awaiting-merge'])
      .update({ claim_expires_at: new Date(Date.now() + leaseMs) });
    return n === 1;
  }

  private unclaimed(query: Knex.QueryBuilder<PromotionRow>, now: Date) {
    return query.andWhere(q =>
      q.whereNull('claim_expires_at').orWhere('claim_expires_at', '<', now),
    );
  }

  async listRunnable(limit: number): Promise<PromotionRecord[]> {
    const rows = await this.unclaimed(
      this.db<PromotionRow>(TABLE).where({ state: 'running' }),
      new Date(),
    )
      .orderBy('created_at', 'asc')
      .limit(limit);
    return rows.map(mapToRecord);
  }

  async listPullRequestsDue(limit: number): Promise<PromotionRecord[]> {
    const now = new Date();
    const rows = await this.unclaimed(
      this.db<PromotionRow>(TABLE).where({ state: 'awaiting-merge' }),
      now,
    )
      .orderBy('created_at', 'asc')
      .limit(limit);
    return rows.map(mapToRecord);
  }

  async pullRequestHead(id: string) {
    const row = await this.db<PromotionRow>(TABLE)
      .where({ id })
      .select('pull_request_etag', 'head_sha')
      .first();
    return {
      etag: row?.pull_request_etag ?? undefined,
      headSha: row?.head_sha ?? undefined,
    };
  }
}
