import { getCompoundEntityRef, Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import type { PipelineKey } from '@gitops-pipelines/plugin-pipelines-common';
import { useEffect, useRef, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { PipelineEventsStatus, pipelinesApiRef } from '../api/PipelinesApi';

const keyOf = (k: PipelineKey) => `${k.cluster}/${k.namespace}/${k.name}`;

/** How often to refetch when server-sent events are not available. */
export const POLL_INTERVAL_MS = 10_000;

/**
 * The pipelines linked to an entity, kept up to date: refetched when the backend reports
 * a change to one of them, or every {@link POLL_INTERVAL_MS} when the event stream is down.
 */
export function useEntityPipelines(entity: Entity) {
  const api = useApi(pipelinesApiRef);
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
    const stop = api.watchEvents(event => {
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
    }, setLive);
    return () => {
      stop();
      if (pending) clearTimeout(pending);
    };
  }, [api]);

  useEffect(() => {
    if (live !== 'polling') return undefined;
    const timer = setInterval(() => {
      retry.current();
      setPromotionsRevision(r => r + 1);
    }, POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [live]);

  return { ...state, live, promotionsRevision };
}
