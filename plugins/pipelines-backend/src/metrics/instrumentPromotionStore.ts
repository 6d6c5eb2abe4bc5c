import type { PromotionRecord } from '@gitops-pipelines/plugin-pipelines-common';
import type { PromotionStore } from '../database/PromotionStore';
import type { PipelinesMetrics } from './PipelinesMetrics';

/**
 * The ledger with every state a promotion enters counted ({@link PipelinesMetrics.promotion}):
 * the store's writes that create a row or move it (`create`, `transition`, `approve`,
 * `takeEnvironment`) report the rows whose state they set. A call that changed nothing (a
 * duplicate request, a lost race) counts nothing. Everything else passes through unchanged,
 * with the proxy as `this`, so the store's own calls (`supersedePending` moves rows with
 * `transition`) are counted too. Properties (the knex `client`) are returned as they are.
 */
export function instrumentPromotionStore<S extends PromotionStore>(
  store: S,
  metrics: PipelinesMetrics,
): S {
  const count = (record?: PromotionRecord) =>
    record && metrics.promotion(record);
  const wrapped: Partial<PromotionStore> = {
    async create(promotion, event) {
      const result = await store.create(promotion, event);
      if (result.created) count(result.record);
      return result;
    },
    async transition(id, from, to, changes, event) {
      const record = await store.transition(id, from, to, changes, event);
      // An update within one state (`to` among `from`) enters nothing.
      if (!from.includes(to)) count(record);
      return record;
    },
    async approve(id, approval, event) {
      const result = await store.approve(id, approval, event);
      if (result?.outcome === 'queued') count(result.record);
      return result;
    },
    async takeEnvironment(id, mayReplace) {
      const result = await store.takeEnvironment(id, mayReplace);
      if (result) {
        count(result.record);
        if (result.taken) count(result.replaced);
      }
      return result;
    },
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      const own = (wrapped as any)[property];
      if (own) return own;
      return Reflect.get(target, property, receiver);
    },
  });
}
