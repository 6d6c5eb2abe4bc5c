import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  PIPELINES_SIGNAL_CHANNEL,
  PipelineKey,
  PipelineSignal,
} from '@gitops-pipelines/plugin-pipelines-common';
import type { PromotionEngine } from '../promotion/PromotionEngine';
import type { PipelineStateReader } from '../state/PipelineStateReader';

/** How long pipeline changes are gathered into one signal, ms. */
export const SIGNAL_BATCH_MS = 250;
/** Past this many pipelines in one batch, the signal says "many" instead of listing them. */
export const SIGNAL_MAX_KEYS = 100;

/**
 * Sends the plugin's live updates as Backstage signals on channel
 * {@link PIPELINES_SIGNAL_CHANNEL}, so that they reach browsers connected to any replica
 * (the signals backend carries them over the events bus):
 *
 * - `pipelines-changed`: the pipelines whose state this replica's watch cache saw change (or
 *   disappear), gathered for {@link SIGNAL_BATCH_MS}; without a list past
 *   {@link SIGNAL_MAX_KEYS} (a cache warming up changes thousands at once, and each signal is
 *   a message on the events bus). Every replica sees the change; browsers collapse repeats.
 * - `promotion-changed`: a promotion changed here (once, by the replica that changed it).
 *
 * Only keys and ids travel — the browser refetches through the permission-checked API — so
 * signals go to every signed-in user (`broadcast`). Returns the unsubscribe function.
 */
export function connectSignals(options: {
  signals: SignalsService;
  state: Pick<PipelineStateReader, 'subscribe'>;
  engine: Pick<PromotionEngine, 'onChange'>;
  logger: LoggerService;
}): () => void {
  const { signals, state, engine, logger } = options;
  const publish = (message: PipelineSignal) =>
    signals
      .publish({
        recipients: { type: 'broadcast' },
        channel: PIPELINES_SIGNAL_CHANNEL,
        message: message as any,
      })
      .catch(e => logger.debug(`Could not publish a pipelines signal: ${e}`));
  const pending = new Map<string, PipelineKey>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const keys = [...pending.values()];
    pending.clear();
    void publish(
      keys.length > SIGNAL_MAX_KEYS
        ? { type: 'pipelines-changed' }
        : { type: 'pipelines-changed', pipelines: keys },
    );
  };
  const note = (k: PipelineKey) => {
    pending.set(`${k.cluster}/${k.namespace}/${k.name}`, {
      cluster: k.cluster,
      namespace: k.namespace,
      name: k.name,
    });
    timer ??= setTimeout(flush, SIGNAL_BATCH_MS);
  };
  const unsubscribeState = state.subscribe((changed, removed) => {
    changed.forEach(note);
    removed.forEach(note);
  });
  const unsubscribePromotions = engine.onChange((change, origin) => {
    if (origin !== 'local') return;
    const { cluster, namespace, name } = change.pipeline;
    void publish({
      type: 'promotion-changed',
      pipeline: {
        cluster,
        namespace,
        name,
        ...(change.id ? { id: change.id } : {}),
      },
    });
  });
  return () => {
    if (timer) clearTimeout(timer);
    unsubscribeState();
    unsubscribePromotions();
  };
}
