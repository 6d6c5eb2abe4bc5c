import { useApi } from '@backstage/core-plugin-api';
import type {
  EnvironmentHold,
  PipelineKey,
  PromotionRecord,
  PromotionGate,
  VersionBlock,
} from '@gitops-pipelines/plugin-pipelines-common';
import { useRefetchable } from './useRefetchable';
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
  return useRefetchable(async (): Promise<{
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
  }, [
    api,
    pipeline.cluster,
    pipeline.namespace,
    pipeline.name,
    revision,
    settings,
  ]);
}
