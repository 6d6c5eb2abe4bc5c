import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  freezeStatus,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';
import { PipelineCache } from '../cache/PipelineCache';
import { PromotionStore } from '../database/PromotionStore';
import { PromotionEngine } from './PromotionEngine';

/**
 * Breaks the glass on a queued promotion into a frozen environment: a `freeze-overridden`
 * event (who, why) in its log lets the runner take it on its next pass, which starts now.
 * Audited as `promotion-freeze-overridden`.
 * @throws NotFoundError for an unknown promotion; ConflictError when it is not queued or
 *   its environment is not frozen.
 */
export async function overrideFreeze(
  deps: {
    store: PromotionStore;
    engine: PromotionEngine;
    cache: Pick<PipelineCache, 'getPipeline'>;
  },
  id: string,
  by: string,
  reason: string,
): Promise<PromotionRecord> {
  const record = await deps.store.get(id);
  if (!record) throw new NotFoundError(`Promotion ${id} not found`);
  if (record.state !== 'queued')
    throw new ConflictError(
      `Promotion ${id} is ${record.state}: only a queued promotion waits for a freeze`,
    );
  const freeze = freezeStatus(
    deps.cache.getPipeline(record.pipeline)?.annotations,
    record.toEnvironment,
    Date.now(),
  );
  if (!freeze.frozen)
    throw new ConflictError(
      `"${record.toEnvironment}" is not frozen: nothing to override`,
    );
  await deps.store.appendEvent(id, {
    type: 'freeze-overridden',
    actor: by,
    message: `Freeze of "${record.toEnvironment}" (${freeze.window}, until ${freeze.until}) overridden by ${by}: ${reason}`,
  });
  await deps.engine.audit('promotion-freeze-overridden', record, {
    by,
    reason,
    window: freeze.window,
    until: freeze.until,
  });
  deps.engine.kick();
  return record;
}
