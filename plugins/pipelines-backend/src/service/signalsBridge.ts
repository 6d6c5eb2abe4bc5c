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

const keyOf = (k: PipelineKey) => `${k.cluster}/${k.namespace}/${k.name}`;

/**
 * Sends the plugin's live updates as Backstage signals on channel
 * {@link PIPELINES_SIGNAL_CHANNEL}, so that they reach browsers connected to any replica
 * (the signals backend carries them over the events bus):
 *
 * - `pipelines-changed`: the pipelines whose state this replica's watch cache saw change (or
 *   disappear), gathered for {@link SIGNAL_BATCH_MS}; without a list past
 *   {@link SIGNAL_MAX_KEYS} (a cache warming up changes thousands at once, and each signal is
 *   a message on the events bus) or when one has no uid. Every replica sees the change;
 *   browsers collapse repeats.
 * - `promotion-changed`: a promotion changed here (once, by the replica that changed it).
 *
 * Signals are broadcast to every signed-in user, and who may read a pipeline is a decision
 * per caller that a broadcast cannot make: so they carry no names, only each Pipeline's
 * opaque `metadata.uid`, which the permission-checked API gives its readers (and a browser
 * matches against what it shows). Returns the unsubscribe function.
 */
export function connectSignals(options: {
  signals: SignalsService;
  state: Pick<PipelineStateReader, 'subscribe' | 'getPipeline'>;
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
  /** The uid of every pipeline seen, so that a removal can be told by uid too. */
  const uids = new Map<string, string>();
  const pending = new Set<string | undefined>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const batch = [...pending];
    pending.clear();
    void publish(
      batch.length > SIGNAL_MAX_KEYS || batch.includes(undefined)
        ? { type: 'pipelines-changed' }
        : { type: 'pipelines-changed', uids: batch as string[] },
    );
  };
  const note = (uid: string | undefined) => {
    pending.add(uid);
    timer ??= setTimeout(flush, SIGNAL_BATCH_MS);
  };
  const unsubscribeState = state.subscribe((changed, removed) => {
    for (const d of changed) {
      if (d.uid) uids.set(keyOf(d), d.uid);
      note(d.uid);
    }
    for (const k of removed) {
      note(uids.get(keyOf(k)));
      uids.delete(keyOf(k));
    }
  });
  const unsubscribePromotions = engine.onChange((change, origin) => {
    if (origin !== 'local') return;
    const uid =
      state.getPipeline(change.pipeline)?.uid ??
      uids.get(keyOf(change.pipeline));
    void publish({ type: 'promotion-changed', ...(uid ? { uid } : {}) });
  });
  return () => {
    if (timer) clearTimeout(timer);
    unsubscribeState();
    unsubscribePromotions();
  };
}
