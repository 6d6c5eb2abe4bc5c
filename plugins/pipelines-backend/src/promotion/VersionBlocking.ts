import { AuditorService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import type {
  BlockVersionResponse,
  PipelineKey,
  PromotionRecord,
  VersionBlock,
} from '@gitops-pipelines/plugin-pipelines-common';
import { PromotionStore } from '../database/PromotionStore';
import { VersionBlockStore } from '../database/DatabaseVersionBlockStore';
import { PipelineStateReader } from '../state/PipelineStateReader';
import { PromotionEngine } from './PromotionEngine';
import { canonicalVersion } from './precedence';

const CANCELLABLE: ReadonlyArray<PromotionRecord['state']> = [
  'waiting-approval',
  'queued',
  'awaiting-merge',
];

export interface VersionBlockingOptions {
  engine: PromotionEngine;
  store: PromotionStore;
  blocks: VersionBlockStore;
  state: Pick<PipelineStateReader, 'getPipeline'>;
  auditor?: AuditorService;
}

/**
 * Blocks and unblocks versions ("prevent progression", as release tools call it): a blocked
 * version is refused by every promotion request (the engine checks the block store), its
 * waiting, queued and awaiting-merge promotions are cancelled (open pull requests closed);
 * optionally an environment that runs it is rolled back, in the same step, to the version
 * deployed there before. Both are audited (`version-blocked`, `version-unblocked`).
 */
export class VersionBlocking {
  constructor(private readonly options: VersionBlockingOptions) {}

  /**
   * @throws InputError when the version does not match the version pattern (parseVersion),
   *   or `rollbackEnvironment` does not run it or has no earlier unblocked version deployed
   *   (nothing is blocked then).
   */
  async block(
    key: PipelineKey,
    requested: string,
    by: string,
    reason: string,
    rollbackEnvironment?: string,
  ): Promise<BlockVersionResponse> {
    const { engine, store, blocks } = this.options;
    // the spelling every request is compared in (a look-alike is refused, not a new version)
    const version = canonicalVersion(requested);
    const rollbackTo = rollbackEnvironment
      ? await this.previousVersion(key, rollbackEnvironment, version)
      : undefined;
    const { block, created } = await blocks.place(key, {
      version,
      blockedBy: by,
      reason,
    });
    if (created)
      await this.audit('version-blocked', key, { version, by, reason });
    const active = (await store.listActive(key)).filter(
      r => r.version === version,
    );
    const cancelled: PromotionRecord[] = [];
    const notCancelled: PromotionRecord[] = [];
    for (const record of active) {
      if (!CANCELLABLE.includes(record.state)) {
        notCancelled.push(record);
        continue;
      }
      cancelled.push(
        await engine
          .cancel(record.id, by, `${version} is blocked: ${block.reason}`)
          .catch(() => record),
      );
    }
    const rollback = rollbackTo
      ? (
          await engine.rollback(
            key,
            rollbackEnvironment!,
            rollbackTo,
            by,
            `${version} blocked: ${block.reason}`,
          )
        ).record
      : undefined;
    engine.pipelineChanged(key);
    return {
      block,
      created,
      cancelled,
      notCancelled,
      ...(rollback ? { rollback } : {}),
    };
  }

  /** @throws NotFoundError when the version is not blocked. */
  async unblock(
    key: PipelineKey,
    version: string,
    by: string,
  ): Promise<VersionBlock> {
    const lifted = await this.options.blocks.release(key, version, by);
    if (!lifted)
      throw new NotFoundError(
        `${version} is not blocked on ${key.namespace}/${key.name}`,
      );
    await this.audit('version-unblocked', key, {
      version,
      by,
      reason: lifted.reason,
    });
    this.options.engine.pipelineChanged(key);
    return lifted;
  }

  /** The newest version deployed into `environment` before, other than `version` and not blocked. */
  private async previousVersion(
    key: PipelineKey,
    environment: string,
    version: string,
  ) {
    const env = this.options.state
      .getPipeline(key)
      ?.environments.find(e => e.name === environment);
    if (!env?.versions.some(v => v.version === version)) {
      throw new InputError(
        `"${environment}" does not run ${version}: nothing to roll back there`,
      );
    }
    for (const r of await this.options.store.listDeployed(key, environment)) {
      if (
        r.version !== version &&
        !(await this.options.blocks.get(key, r.version))
      )
        return r.version;
    }
    throw new InputError(
      `No version other than ${version} was deployed into "${environment}" before: nothing to roll back to`,
    );
  }

  private async audit(
    eventId: string,
    key: PipelineKey,
    meta: Record<string, unknown>,
  ) {
    const event = await this.options.auditor?.createEvent({
      eventId,
      severityLevel: 'medium',
      meta: {
        pipeline: `${key.cluster}/${key.namespace}/${key.name}`,
        ...meta,
      },
    });
    await event?.success();
  }
}
