import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import { PIPELINES_SIGNAL_CHANNEL, PipelineSignal } from '@gitops-pipelines/plugin-pipelines-common';
import type { PromotionEngine } from '../promotion/PromotionEngine';
import type { PipelineStateReader } from '../state/PipelineStateReader';

/**
 * Sends the plugin's live updates as Backstage signals on channel
 * {@link PIPELINES_SIGNAL_CHANNEL}, so that they reach browsers connected to any replica
 * (the signals backend carries them over the events bus): `pipeline-changed` /
 * `pipeline-removed` when this replica's watch cache sees a pipeline's state change (every
 * replica sees it; browsers collapse the repeats into one refetch), and `promotion-changed`
 * for promotion changes made here (once). A signal carries the pipeline's key and the
 * promotion id only — no state: the browser refetches through the permission-checked API.
 * Signals go to every signed-in user (`broadcast`). Returns the unsubscribe function.
 */
export function connectSignals(options: {
  signals: SignalsService;
  state: Pick<PipelineStateReader, 'subscribe'>;
  engine: Pick<PromotionEngine, 'onChange'>;
  logger: LoggerService;
}): () => void {
  const { signals, state, engine, logger } = options;
  const publish = (message: PipelineSignal) =>
    signals.publish({ recipients: { type: 'broadcast' }, channel: PIPELINES_SIGNAL_CHANNEL, message: message as any }).catch(e => logger.debug(`Could not publish a pipelines signal: ${e}`));
  const unsubscribeState = state.subscribe((changed, removed) => {
    for (const d of changed) void publish({ type: 'pipeline-changed', pipeline: { cluster: d.cluster, namespace: d.namespace, name: d.name } });
    for (const k of removed) void publish({ type: 'pipeline-removed', pipeline: { cluster: k.cluster, namespace: k.namespace, name: k.name } });
  });
  const unsubscribePromotions = engine.onChange((change, origin) => {
    if (origin !== 'local') return;
    const { cluster, namespace, name } = change.pipeline;
    void publish({ type: 'promotion-changed', pipeline: { cluster, namespace, name, ...(change.id ? { id: change.id } : {}) } });
  });
  return () => {
    unsubscribeState();
    unsubscribePromotions();
  };
}
