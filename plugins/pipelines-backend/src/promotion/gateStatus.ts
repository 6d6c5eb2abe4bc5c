import { LoggerService } from '@backstage/backend-plugin-api';
import {
  promotionGates,
  PromotionRecord,
  summarizeGates,
} from '@gitops-pipelines/plugin-pipelines-common';
import { PipelineCache } from '../cache/PipelineCache';
import { VersionBlockStore } from '../database/DatabaseVersionBlockStore';
import { PromotionStore } from '../database/PromotionStore';
import {
  PromotionContext,
  PromotionStrategy,
} from './strategies/PromotionStrategy';

/**
 * The runner's gate reporter: on each poll of an open promotion pull request, computes the
 * promotion's gates (`promotionGates`: freeze of the target environment unless overridden, a
 * block of the version, the soak of the environment it comes from, approvals) and posts
 * their verdict as the forge's status of the PR's head commit — pending while one holds,
 * failure when the version is blocked, success when all pass — only when it changed. A
 * branch protection rule that requires the status keeps the merge button shut meanwhile.
 * Failures are logged, never fatal to the promotion.
 */
export function createGateReporter(deps: {
  cache: Pick<PipelineCache, 'getPipeline'>;
  store: PromotionStore;
  blocks: VersionBlockStore;
  logger: LoggerService;
  /** Where the status links (Bitbucket requires a link): the app's release matrix, `<app.baseUrl>/pipelines`. */
  targetUrl?: string;
}) {
  const posted = new Map<string, string>();
  return async (
    record: PromotionRecord,
    ctx: PromotionContext,
    strategy: PromotionStrategy,
    headSha: string,
  ) => {
    const pipeline = deps.cache.getPipeline(record.pipeline);
    if (!pipeline || !strategy.setGateStatus) return;
    try {
      const [blocks, events] = await Promise.all([
        deps.blocks.list(record.pipeline),
        deps.store.events(record.id),
      ]);
      const gates = promotionGates({
        record,
        pipeline,
        blocks,
        freezeOverridden: events.some(e => e.type === 'freeze-overridden'),
        now: Date.now(),
      });
      const summary = summarizeGates(gates);
      const key = `${headSha}|${summary.state}|${summary.description}`;
      if (posted.get(record.id) === key) return;
      if (await strategy.setGateStatus(ctx, headSha, summary, deps.targetUrl))
        posted.set(record.id, key);
    } catch (e) {
      deps.logger.warn(
        `Promotion ${
          record.id
        }: could not set the gate status of ${headSha.slice(0, 7)}: ${
          (e as Error).message
        }`,
      );
    }
  };
}
