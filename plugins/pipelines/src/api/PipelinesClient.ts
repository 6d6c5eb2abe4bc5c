import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  EnvironmentHold,
  EntityPipelinesResponse,
  PIPELINES_PLUGIN_ID,
  PromotionDetail,
  PipelineKey,
  PipelineListResponse,
  PromotionListResponse,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';
import {
  PipelineEvent,
  PipelineEventsStatus,
  PipelinesApi,
} from './PipelinesApi';
import { parseServerSentEvents } from './parseServerSentEvents';

const pipelinePath = (k: PipelineKey) =>
  `/v1/pipelines/${[k.cluster, k.namespace, k.name]
    .map(encodeURIComponent)
    .join('/')}`;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** {@link PipelinesApi} over the backend's REST API, through discovery and fetch. @public */
export class PipelinesClient implements PipelinesApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getEntityPipelines(
    entity: CompoundEntityRef,
  ): Promise<EntityPipelinesResponse> {
    const path = [entity.kind, entity.namespace, entity.name]
      .map(s => encodeURIComponent(s.toLocaleLowerCase('en-US')))
      .join('/');
    return this.get(`/v1/entity/${path}/pipelines`);
  }

  listPipelines(
    filter: { cluster?: string; namespace?: string } = {},
  ): Promise<PipelineListResponse> {
    const query = new URLSearchParams();
    if (filter.cluster) query.set('cluster', filter.cluster);
    if (filter.namespace) query.set('namespace', filter.namespace);
    const qs = query.toString();
    return this.get(`/v1/pipelines${qs ? `?${qs}` : ''}`);
  }

  listPromotions(
    pipeline: PipelineKey,
    page: { offset: number; limit: number },
  ): Promise<PromotionListResponse> {
    return this.get(
      `${pipelinePath(pipeline)}/promotions?offset=${page.offset}&limit=${
        page.limit
      }`,
    );
  }

  createPromotion(
    pipeline: PipelineKey,
    request: { environment: string; version: string; entityRef?: string },
  ): Promise<PromotionRecord> {
    return this.post(`${pipelinePath(pipeline)}/promotions`, request);
  }

  decidePromotion(
    id: string,
    decision: 'approve' | 'reject',
    options: { reason?: string; entityRef?: string },
  ): Promise<PromotionRecord> {
    return this.post(
      `/v1/promotions/${encodeURIComponent(id)}/${decision}`,
      options,
    );
  }

  getPromotion(id: string): Promise<PromotionDetail> {
    return this.get(`/v1/promotions/${encodeURIComponent(id)}`);
  }

  promotionAction(
    id: string,
    action: 'retry' | 'cancel',
    options: { reason?: string; entityRef?: string },
  ): Promise<PromotionRecord> {
    return this.post(
      `/v1/promotions/${encodeURIComponent(id)}/${action}`,
      options,
    );
  }

  rollback(
    pipeline: PipelineKey,
    request: {
      environment: string;
      version: string;
      reason?: string;
      entityRef?: string;
    },
  ): Promise<PromotionRecord> {
    return this.post(`${pipelinePath(pipeline)}/rollback`, request);
  }

  releaseHold(
    pipeline: PipelineKey,
    environment: string,
    options: { entityRef?: string },
  ): Promise<EnvironmentHold> {
    const query = options.entityRef
      ? `?entityRef=${encodeURIComponent(options.entityRef)}`
      : '';
    return this.request(
      `${pipelinePath(pipeline)}/holds/${encodeURIComponent(
        environment,
      )}${query}`,
      { method: 'DELETE' },
    );
  }

  watchEvents(
    onEvent: (event: PipelineEvent) => void,
    onStatus: (status: PipelineEventsStatus) => void = () => {},
  ): () => void {
    const controller = new AbortController();
    let stopped = false;
    const run = async () => {
      let delayMs = 1000;
      while (!stopped) {
        const connected = await this.streamEvents(
          controller.signal,
          onEvent,
          onStatus,
        ).catch(() => false);
        if (connected) delayMs = 1000;
        if (stopped) return;
        onStatus('polling');
        await sleep(delayMs);
        delayMs = Math.min(delayMs * 2, 30_000);
      }
    };
    onStatus('connecting');
    void run();
    return () => {
      stopped = true;
      controller.abort();
    };
  }

  /** One connection to `/v1/events`, until it ends. True when it was established. */
  private async streamEvents(
    signal: AbortSignal,
    onEvent: (event: PipelineEvent) => void,
    onStatus: (status: PipelineEventsStatus) => void,
  ): Promise<boolean> {
    const baseUrl = await this.discoveryApi.getBaseUrl(PIPELINES_PLUGIN_ID);
    const response = await this.fetchApi.fetch(`${baseUrl}/v1/events`, {
      headers: { Accept: 'text/event-stream' },
      signal,
    });
    if (!response.ok || !response.body) return false;
    onStatus('live');
    await parseServerSentEvents(response.body, (type, data) => {
      if (
        type === 'pipeline-changed' ||
        type === 'pipeline-removed' ||
        type === 'promotion-changed'
      ) {
        onEvent({ type, pipeline: JSON.parse(data) });
      }
    });
    return true;
  }

  private post<T>(path: string, body: unknown): Promise<T> {
    return this.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private get<T>(path: string): Promise<T> {
    return this.request(path);
  }

  /** Every JSON call: the plugin's base URL, fetchApi, and the backend's error kept. */
  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl(PIPELINES_PLUGIN_ID);
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
