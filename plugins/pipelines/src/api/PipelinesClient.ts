import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  EntityPipelinesResponse,
  PIPELINES_PLUGIN_ID,
  PipelineListResponse,
} from '@gitops-pipelines/plugin-pipelines-common';
import { PipelinesApi } from './PipelinesApi';

/** {@link PipelinesApi} over the backend's REST API, through discovery and fetch. @public */
export class PipelinesClient implements PipelinesApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getEntityPipelines(entity: CompoundEntityRef): Promise<EntityPipelinesResponse> {
    const path = [entity.kind, entity.namespace, entity.name]
      .map(s => encodeURIComponent(s.toLocaleLowerCase('en-US')))
      .join('/');
    return this.get(`/v1/entity/${path}/pipelines`);
  }

  listPipelines(filter: { cluster?: string; namespace?: string } = {}): Promise<PipelineListResponse> {
    const query = new URLSearchParams();
    if (filter.cluster) query.set('cluster', filter.cluster);
    if (filter.namespace) query.set('namespace', filter.namespace);
    const qs = query.toString();
    return this.get(`/v1/pipelines${qs ? `?${qs}` : ''}`);
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl(PIPELINES_PLUGIN_ID);
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
