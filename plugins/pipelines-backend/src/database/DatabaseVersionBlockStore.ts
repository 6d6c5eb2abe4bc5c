import type {
  PipelineKey,
  VersionBlock,
} from '@gitops-pipelines/plugin-pipelines-common';
import { createHash, randomUUID } from 'crypto';
import { Knex } from 'knex';
import { DbTime, isUniqueViolation, pipelineWhere, toIso } from './rows';

const TABLE = 'version_blocks';

type BlockRow = {
  id: string;
  cluster: string;
  namespace: string;
  name: string;
  version: string;
  blocked_by: string;
  reason: string;
  created_at: DbTime;
  unblocked_by: string | null;
  unblocked_at: DbTime | null;
  active_key: string | null;
};

const blockKey = (p: PipelineKey, version: string) =>
  createHash('sha256')
    .update([p.cluster, p.namespace, p.name, version].join('\u0000'))
    .digest('hex');

const mapToBlock = (row: BlockRow): VersionBlock => ({
  version: row.version,
  blockedBy: row.blocked_by,
  reason: row.reason,
  createdAt: toIso(row.created_at),
});

/** The blocked versions of pipelines (the `version_blocks` table). */
export interface VersionBlockStore {
  /** Blocks a version; a block already on it stays (`created: false`) and is returned. */
  place(
    pipeline: PipelineKey,
    block: Omit<VersionBlock, 'createdAt'>,
  ): Promise<{ block: VersionBlock; created: boolean }>;
  /** Lifts a version's block; undefined when it was not blocked. */
  release(
    pipeline: PipelineKey,
    version: string,
    by: string,
  ): Promise<VersionBlock | undefined>;
  /** The pipeline's blocks, oldest first. */
  list(pipeline: PipelineKey): Promise<VersionBlock[]>;
  get(
    pipeline: PipelineKey,
    version: string,
  ): Promise<VersionBlock | undefined>;
}

/**
 * Blocked versions in the plugin's database: at most one block in force per pipeline and
 * version (a unique key, NULL once lifted); lifted blocks stay as history.
 */
export class DatabaseVersionBlockStore implements VersionBlockStore {
  constructor(private readonly db: Knex) {}

  async place(pipeline: PipelineKey, block: Omit<VersionBlock, 'createdAt'>) {
    let created = true;
    try {
      await this.db<BlockRow>(TABLE).insert({
        id: randomUUID(),
        ...pipelineWhere(pipeline),
        version: block.version,
        blocked_by: block.blockedBy,
        reason: block.reason,
        created_at: new Date(),
        active_key: blockKey(pipeline, block.version),
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      created = false;
    }
    return { block: (await this.get(pipeline, block.version))!, created };
  }

  async release(pipeline: PipelineKey, version: string, by: string) {
    const current = await this.get(pipeline, version);
    if (!current) return undefined;
    const n = await this.db<BlockRow>(TABLE)
      .where({ active_key: blockKey(pipeline, version) })
      .update({ active_key: null, unblocked_by: by, unblocked_at: new Date() });
    return n ? current : undefined;
  }

  async list(pipeline: PipelineKey) {
    const rows = await this.db<BlockRow>(TABLE)
      .where(pipelineWhere(pipeline))
      .whereNotNull('active_key')
      .orderBy('created_at', 'asc');
    return rows.map(mapToBlock);
  }

  async get(pipeline: PipelineKey, version: string) {
    const row = await this.db<BlockRow>(TABLE)
      .where({ active_key: blockKey(pipeline, version) })
      .first();
    return row ? mapToBlock(row) : undefined;
  }
}
