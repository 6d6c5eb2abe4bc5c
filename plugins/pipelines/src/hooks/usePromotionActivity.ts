import { useApi } from '@backstage/core-plugin-api';
import type {
  EnvironmentHold,
  PipelineKey,
  PromotionRecord,
  PromotionGate,
  VersionBlock,
} from '@gitops-pipelines/plugin-pipelines-common';
import { useEffect, useRef } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { pipelinesApiRef } from '../api/PipelinesApi';

/**
 * What a pipeline's promotions are doing now: its active promotions with their gates, holds
 * and blocked versions, from the ledger. Refetched whenever `revision` changes (a promotion
 * changed) or `settings` does (the Pipeline's annotations — a freeze or a soak changes the
 * gates), and by `retry`.
 */
export function usePromotionActivity(
  pipeline: PipelineKey,
  revision: number,
  settings = '',
) {
  const api = useApi(pipelinesApiRef);
  const state = useAsyncRetry(async (): Promise<{
    active: PromotionRecord[];
    holds: EnvironmentHold[];
    blocks: VersionBlock[];
    gates: Record<string, PromotionGate[]>;
  }> => {
    const { active, holds, blocks, gates } = await api.listPromotions(
      pipeline,
      {
        offset: 0,
        limit: 1,
      },
    );
    return { active, holds, blocks, gates };
  }, [api, pipeline.cluster, pipeline.namespace, pipeline.name]);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else state.retry();
  }, [revision, settings]); // eslint-disable-line react-hooks/exhaustive-deps
  return state;
}
