import { PromotionRecord } from '@gitops-pipelines/plugin-pipelines-common';
import { PipelineCache } from '../cache/PipelineCache';
import { ENGINE_ACTOR, PromotionStore } from '../database/PromotionStore';
import { settleRollout } from './settleRollout';

/** The columns a settled rollout sets. */
function changesFor(
  outcome: 'deployed' | 'failed' | 'superseded',
  message: string,
) {
  if (outcome === 'deployed') return { deployedAt: new Date(), error: null };
  if (outcome === 'failed') return { error: message };
  return {};
}

/**
 * Moves rolling-out rows to deployed, failed or superseded from the watch cache alone (no
 * Kubernetes calls; see {@link settleRollout} for the rules), and logs a `target-ready` event
 * for each target newly Ready at the version.
 */
export class RolloutSettler {
  /** `target-ready` lines already in the event log, per rolling-out row. */
  private readonly targetsLogged = new Map<string, Set<string>>();

  constructor(
    private readonly options: {
      store: PromotionStore;
      cache: Pick<PipelineCache, 'getPipeline'>;
      /** A rolling-out promotion not deployed within this many ms fails. Default 1 h. */
      rolloutTimeoutMs?: number;
      changed: (record: PromotionRecord) => void;
      audit: (
        eventId: string,
        record: PromotionRecord,
        extra?: Record<string, unknown>,
      ) => Promise<void>;
    },
  ) {}

  async settle() {
    const { store, cache } = this.options;
    const rows = await store.listByState(['rolling-out'], 200);
    for (const id of this.targetsLogged.keys())
      if (!rows.some(r => r.id === id)) this.targetsLogged.delete(id);
    for (const record of rows) {
      const detail = cache.getPipeline(record.pipeline);
      const env = detail?.environments.find(
        e => e.name === record.toEnvironment,
      );
      const verdict = settleRollout(record, env, {
        now: Date.now(),
        timeoutMs: this.options.rolloutTimeoutMs ?? 60 * 60_000,
      });
      await this.logTargetsReady(record, verdict.targetsReady);
      if (verdict.outcome === 'rolling-out') continue;
      const { outcome, message } = verdict;
      const moved = await store.transition(
        record.id,
        ['rolling-out'],
        outcome,
        changesFor(outcome, message),
        { type: outcome, actor: ENGINE_ACTOR, message },
      );
      if (moved)
        await this.options.audit(`promotion-${outcome}`, moved, { message });
    }
  }

  /**
   * Appends a `target-ready` event for each target newly Ready at the version. What a row has
   * logged is read from its event log once (another replica may have logged some), then kept
   * in memory: passes run on every change of the watch cache.
   */
  private async logTargetsReady(
    record: PromotionRecord,
    targetsReady: string[],
  ) {
    if (!targetsReady.length) return;
    let logged = this.targetsLogged.get(record.id);
    if (!logged) {
      logged = new Set(
        (await this.options.store.events(record.id))
          .filter(e => e.type === 'target-ready')
          .map(e => e.message),
      );
      this.targetsLogged.set(record.id, logged);
    }
    for (const message of targetsReady.filter(m => !logged!.has(m))) {
      // `once`: another replica settling the same rollout may be writing the same line right now.
      await this.options.store.appendEvent(record.id, {
        type: 'target-ready',
        actor: ENGINE_ACTOR,
        message,
        once: true,
      });
      logged.add(message);
      this.options.changed(record);
    }
  }
}
