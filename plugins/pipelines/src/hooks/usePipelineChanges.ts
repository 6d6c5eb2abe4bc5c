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

/**
 * Follows the backend's changes: through Backstage signals when the app has them (they reach
 * this browser from any backend replica, channel `pipelines:events`), else the plugin's
 * `/v1/events` stream. `onEvent` gets each change; a `pipelines-changed` signal without a
 * list (more changed than it carries) is expanded to `shown()`. `onPoll` runs every
 * {@link POLL_INTERVAL_MS} while the stream is down, and every {@link SIGNALS_SAFETY_POLL_MS}
 * with signals (a lost connection is not observable). Returns whether updates are live.
 */
export function usePipelineChanges(
  onEvent: (event: PipelineEvent) => void,
  shown: () => PipelineKey[],
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
      if (signal.type === 'promotion-changed') emit(signal);
      else
        for (const pipeline of signal.pipelines ?? handlers.current.shown())
          emit({ type: 'pipeline-changed', pipeline });
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
