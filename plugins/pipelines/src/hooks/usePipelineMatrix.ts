import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { ANNOTATION_PIPELINE } from '@gitops-pipelines/plugin-pipelines-common';
import { useEffect, useRef } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { pipelinesApiRef } from '../api/PipelinesApi';
import { matrixRows } from '../components/ReleaseMatrix/matrixModel';
import { usePipelineChanges } from './usePipelineChanges';
import { useRefetchable } from './useRefetchable';

/**
 * The release matrix's rows, live: every pipeline the user may read (the backend's list),
 * joined with the catalog entities that link them; refetched when a pipeline changes
 * (gathered over half a second). With `scope` (entity refs), only the pipelines linked
 * to those entities.
 */
export function usePipelineMatrix(scope?: string[]) {
  const api = useApi(pipelinesApiRef);
  const catalogApi = useApi(catalogApiRef);
  const list = useRefetchable(() => api.listPipelines(), [api]);
  const entities = useAsync(
    async (): Promise<Entity[]> =>
      (
        await catalogApi.getEntities({
          filter: {
            [`metadata.annotations.${ANNOTATION_PIPELINE}`]:
              CATALOG_FILTER_EXISTS,
          },
          fields: ['kind', 'metadata', 'spec.owner', 'spec.system'],
        })
      ).items,
    [catalogApi],
  );
  const pending = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(pending.current), []);
  const live = usePipelineChanges(
    event => {
      if (event.type === 'promotion-changed' || pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = undefined;
        list.retry();
      }, 500);
    },
    () => list.value?.items ?? [],
    () => list.retry(),
  );
  const inScope = scope && new Set(scope);
  const rows =
    list.value && entities.value
      ? matrixRows(
          list.value.items,
          entities.value,
          list.value.defaultCluster,
        ).filter(
          r =>
            !inScope ||
            r.entities.some(e => inScope.has(stringifyEntityRef(e))),
        )
      : undefined;
  return {
    rows,
    loading: list.loading || entities.loading,
    error: list.error ?? entities.error,
    live,
  };
}
