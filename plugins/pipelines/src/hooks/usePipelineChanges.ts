import { useApi, useApiHolder } from '@backstage/core-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  PIPELINES_SIGNAL_CHANNEL,
  PipelineKey,
  PipelineSignal,
} from '@gitops-pipelines/plugin-pipelines-common';
import { useEffect, useRef, useState } from 'react';
import {
  PipelineEvent,
  PipelineEventsStatus,
  pipelinesApiRef,
} from '../api/PipelinesApi';

/** How often to refetch when server-sent events are not available. */
export const POLL_INTERVAL_MS = 10_000;
/** With signals, whose connection state is not observable, a slower refetch as a safety net. */
export const SIGNALS_SAFETY_POLL_MS = 60_000;

/** A pipeline shown, with the opaque `uid` signals name it by (from the API). */
export type ShownPipeline = PipelineKey & { uid?: string };

/**
 * Follows the backend's changes: through Backstage signals when the app has them (they reach
 * this browser from any backend replica, channel `pipelines:events`), else the plugin's
 * `/v1/events` stream. `onEvent` gets each change. Signals are broadcast and name no
 * pipeline, only uids: each is matched against `shown()` (a signal without uids — more
 * changed than it carries — stands for every pipeline shown); a uid not shown is ignored. `onPoll` runs every
 * {@link POLL_INTERVAL_MS} while the stream is down, and every {@link SIGNALS_SAFETY_POLL_MS}
 * with signals (a lost connection is not observable). Returns whether updates are live.
 */
export function usePipelineChanges(
  onEvent: (event: PipelineEvent) => void,
  shown: () => ShownPipeline[],
  onPoll: () => void,
): PipelineEventsStatus {
  const api = useApi(pipelinesApiRef);
  const signals = useApiHolder().get(signalApiRef);
  const [live, setLive] = useState<PipelineEventsStatus>('connecting');
  const handlers = useRef({ onEvent, shown, onPoll });
  handlers.current = { onEvent, shown, onPoll };

  useEffect(() => {
    const emit = (event: PipelineEvent) => handlers.current.onEvent(event);
    if (!signals) return api.watchEvents(emit, setLive);
    const subscription = signals.subscribe<
      PipelineSignal & Record<string, any>
    >(PIPELINES_SIGNAL_CHANNEL, signal => {
      const uids =
        signal.type === 'promotion-changed'
          ? signal.uid && [signal.uid]
          : signal.uids;
      const type =
        signal.type === 'promotion-changed'
          ? 'promotion-changed'
          : 'pipeline-changed';
      for (const p of handlers.current.shown()) {
        if (uids && !(p.uid && uids.includes(p.uid))) continue;
        const { cluster, namespace, name } = p;
        emit({ type, pipeline: { cluster, namespace, name } });
      }
    });
    setLive('live');
    return () => subscription.unsubscribe();
  }, [api, signals]);

  useEffect(() => {
    if (live !== 'polling' && !signals) return undefined;
    const timer = setInterval(
      () => handlers.current.onPoll(),
      live === 'polling' ? POLL_INTERVAL_MS : SIGNALS_SAFETY_POLL_MS,
    );
    return () => clearInterval(timer);
  }, [live, signals]);

  return live;
}
