import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  Entity,
  parseEntityRef,
  RELATION_HAS_PART,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef, useEntity } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { usePipelineMatrix } from '../../hooks/usePipelineMatrix';
import { ReleaseMatrix } from './ReleaseMatrix';

const parts = (e: Entity | undefined) =>
  (e?.relations ?? [])
    .filter(r => r.type === RELATION_HAS_PART)
    .map(r => r.targetRef);

/**
 * The release matrix of a System's components (or a Domain's Systems' components), for the
 * entity overview of `System` and `Domain` entities.
 * @public
 */
export function EntityReleaseMatrixCard() {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const scope = useAsync(async () => {
    if (entity.kind.toLocaleLowerCase('en-US') !== 'domain')
      return parts(entity);
    const systems = parts(entity).filter(
      ref => parseEntityRef(ref).kind === 'system',
    );
    const found = await catalogApi.getEntitiesByRefs({
      entityRefs: systems,
      fields: ['kind', 'metadata', 'relations'],
    });
    return found.items.flatMap(parts);
  }, [catalogApi, stringifyEntityRef(entity)]);
  const matrix = usePipelineMatrix(scope.value ?? []);
  const error = scope.error ?? matrix.error;
  return (
    <InfoCard
      title="Release matrix"
      subheader={`Pipelines of the components of ${
        entity.metadata.title ?? entity.metadata.name
      }`}
    >
      {error && <ResponseErrorPanel error={error} />}
      {!error && (!matrix.rows || scope.loading) && <Progress />}
      {!error && matrix.rows && !scope.loading && (
        <ReleaseMatrix rows={matrix.rows} filters={false} />
      )}
    </InfoCard>
  );
}
