import { getCompoundEntityRef, Entity } from '@backstage/catalog-model';
import { useApi, useApiHolder } from '@backstage/core-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { PIPELINES_SIGNAL_CHANNEL, PipelineKey, PipelineSignal } from '@gitops-pipelines/plugin-pipelines-common';
import { useEffect, useRef, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { PipelineEvent, PipelineEventsStatus, pipelinesApiRef } from '../api/PipelinesApi';

const keyOf = (k: PipelineKey) => `${k.cluster}/${k.namespace}/${k.name}`;
const parseKey = (key: string): PipelineKey => {
  const [cluster, namespace, name] = key.split('/');
  return { cluster, namespace, name };
};

/** How often to refetch when server-sent events are not available. */
export const POLL_INTERVAL_MS = 10_000;
/** With signals, whose connection state is not observable, a slower refetch as a safety net. */
export const SIGNALS_SAFETY_POLL_MS = 60_000;

/**
 * The pipelines linked to an entity, kept up to date: refetched when the backend reports
 * a change to one of them — through Backstage signals when the app has them (they reach
 * this browser from any backend replica, channel `pipelines:events`, and a refetch every
 * {@link SIGNALS_SAFETY_POLL_MS} covers a lost connection), else the plugin's `/v1/events`
 * stream — or every {@link POLL_INTERVAL_MS} while that stream is down.
 */
export function useEntityPipelines(entity: Entity) {
  const api = useApi(pipelinesApiRef);
  const signals = useApiHolder().get(signalApiRef);
  const ref = getCompoundEntityRef(entity);
  const state = useAsyncRetry(
    () => api.getEntityPipelines(ref),
    [api, ref.kind, ref.namespace, ref.name],
  );
  const [live, setLive] = useState<PipelineEventsStatus>('connecting');
  /** Bumped on every promotion change of a shown pipeline: history views refetch. */
  const [promotionsRevision, setPromotionsRevision] = useState(0);

  const keys = useRef(new Set<string>());
  keys.current = new Set(state.value?.items.map(i => keyOf(i.ref)));
  const retry = useRef(state.retry);
  retry.current = state.retry;

  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const onEvent = (event: PipelineEvent) => {
      if (!keys.current.has(keyOf(event.pipeline))) return;
      if (event.type === 'promotion-changed') {
        setPromotionsRevision(r => r + 1);
        return;
      }
      if (pending) return;
      // Several events in a burst: one refetch.
      pending = setTimeout(() => {
        pending = undefined;
        retry.current();
      }, 50);
    };
    let stop: () => void;
    if (signals) {
      const onSignal = (signal: PipelineSignal) => {
        if (signal.type === 'promotion-changed') onEvent(signal);
        // Without a list: more changed than a signal lists — any shown pipeline may be among them.
        else for (const pipeline of signal.pipelines ?? [...keys.current].map(parseKey)) onEvent({ type: 'pipeline-changed', pipeline });
      };
      const subscription = signals.subscribe<PipelineSignal & Record<string, any>>(PIPELINES_SIGNAL_CHANNEL, onSignal);
      setLive('live');
      stop = () => subscription.unsubscribe();
    } else {
      stop = api.watchEvents(onEvent, setLive);
    }
    return () => {
      stop();
      if (pending) clearTimeout(pending);
    };
  }, [api, signals]);

  useEffect(() => {
    if (live !== 'polling' && !signals) return undefined;
    const timer = setInterval(
      () => {
        retry.current();
        setPromotionsRevision(r => r + 1);
      },
      live === 'polling' ? POLL_INTERVAL_MS : SIGNALS_SAFETY_POLL_MS,
    );
    return () => clearInterval(timer);
  }, [live, signals]);

  return { ...state, live, promotionsRevision };
}
