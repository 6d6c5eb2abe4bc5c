import { getCompoundEntityRef, Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { PipelineKey } from '@gitops-pipelines/plugin-pipelines-common';
import { useEffect, useRef, useState } from 'react';
import { PipelineEvent, pipelinesApiRef } from '../api/PipelinesApi';
import { usePipelineChanges } from './usePipelineChanges';
import { useRefetchable } from './useRefetchable';

export { POLL_INTERVAL_MS, SIGNALS_SAFETY_POLL_MS } from './usePipelineChanges';

const keyOf = (k: PipelineKey) => `${k.cluster}/${k.namespace}/${k.name}`;

/**
 * The pipelines linked to an entity, kept up to date: refetched when the backend reports
 * a change to one of them ({@link usePipelineChanges}: signals, else server-sent events,
 * else polling); `promotionsRevision` is bumped on every promotion change of a shown
 * pipeline, for the history views.
 */
export function useEntityPipelines(entity: Entity) {
  const api = useApi(pipelinesApiRef);
  const ref = getCompoundEntityRef(entity);
  const state = useRefetchable(
    () => api.getEntityPipelines(ref),
    [api, ref.kind, ref.namespace, ref.name],
  );
  const [promotionsRevision, setPromotionsRevision] = useState(0);
  const keys = new Set(state.value?.items.map(i => keyOf(i.ref)));
  const pending = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(pending.current), []);

  const onEvent = (event: PipelineEvent) => {
    if (!keys.has(keyOf(event.pipeline))) return;
    if (event.type === 'promotion-changed') {
      setPromotionsRevision(r => r + 1);
      return;
    }
    if (pending.current) return;
    // Several events in a burst: one refetch.
    pending.current = setTimeout(() => {
      pending.current = undefined;
      state.retry();
    }, 50);
  };
  const live = usePipelineChanges(
    onEvent,
    () =>
      state.value?.items.map(i =>
        i.state === 'found' ? { ...i.ref, uid: i.pipeline.uid } : i.ref,
      ) ?? [],
    () => {
      state.retry();
      setPromotionsRevision(r => r + 1);
    },
  );
  return { ...state, live, promotionsRevision };
}
