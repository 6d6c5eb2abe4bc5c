import { useApi } from '@backstage/core-plugin-api';
import type {
  EnvironmentHold,
  PipelineKey,
  PromotionRecord,
  PromotionGate,
  VersionBlock,
} from '@gitops-pipelines/plugin-pipelines-common';
import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { pipelinesApiRef } from '../api/PipelinesApi';

/**
 * What a pipeline's promotions are doing now: its active promotions, holds and blocked versions, from the
 * ledger. Refetched whenever `revision` changes (a promotion changed), and by `retry`.
 */
export function usePromotionActivity(pipeline: PipelineKey, revision: number) {
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
  useEffect(() => {
    if (revision) state.retry();
  }, [revision]); // eslint-disable-line react-hooks/exhaustive-deps
  return state;
}
