import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  PromotionPreview,
  BlockVersionRequest,
  BlockVersionResponse,
  VersionBlock,
  DeliveryMetrics,
  EnvironmentHold,
  EntityPipelinesResponse,
  PIPELINES_PLUGIN_ID,
  PipelinesApiMethod,
  PipelinesApiParameters,
  PipelinesApiPath,
  PipelinesApiRequestBody,
  PipelinesApiResponse,
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
    const [kind, namespace, name] = [
      entity.kind,
      entity.namespace,
      entity.name,
    ].map(s => s.toLocaleLowerCase('en-US'));
    return this.call('get', '/v1/entity/{kind}/{namespace}/{name}/pipelines', {
      path: { kind, namespace, name },
    });
  }

  listPipelines(
    filter: { cluster?: string; namespace?: string } = {},
  ): Promise<PipelineListResponse> {
    return this.call('get', '/v1/pipelines', { query: filter });
  }

  previewPromotion(
    pipeline: PipelineKey,
    request: { environment: string; version: string },
  ): Promise<PromotionPreview> {
    return this.call(
      'post',
      '/v1/pipelines/{cluster}/{namespace}/{name}/promotions/preview',
      { path: pipelineParams(pipeline) },
      request,
    );
  }

  overrideFreeze(
    id: string,
    options: { reason: string },
  ): Promise<PromotionRecord> {
    return this.call(
      'post',
      '/v1/promotions/{id}/override',
      { path: { id } },
      options,
    );
  }

  blockVersion(
    pipeline: PipelineKey,
    request: BlockVersionRequest,
  ): Promise<BlockVersionResponse> {
    return this.call(
      'post',
      '/v1/pipelines/{cluster}/{namespace}/{name}/blocks',
      { path: pipelineParams(pipeline) },
      request,
    );
  }

  unblockVersion(
    pipeline: PipelineKey,
    version: string,
  ): Promise<VersionBlock> {
    return this.call(
      'delete',
      '/v1/pipelines/{cluster}/{namespace}/{name}/blocks/{version}',
      {
        path: { ...pipelineParams(pipeline), version },
      },
    );
  }

  getDeliveryMetrics(
    pipeline: PipelineKey,
    window: string,
  ): Promise<DeliveryMetrics> {
    return this.call(
      'get',
      '/v1/pipelines/{cluster}/{namespace}/{name}/metrics',
      { path: pipelineParams(pipeline), query: { window } },
    );
  }

  listPromotions(
    pipeline: PipelineKey,
    page: { offset: number; limit: number },
  ): Promise<PromotionListResponse> {
    return this.call(
      'get',
      '/v1/pipelines/{cluster}/{namespace}/{name}/promotions',
      { path: pipelineParams(pipeline), query: page },
    );
  }

  createPromotion(
    pipeline: PipelineKey,
    request: { environment: string; version: string },
  ): Promise<PromotionRecord> {
    return this.call(
      'post',
      '/v1/pipelines/{cluster}/{namespace}/{name}/promotions',
      { path: pipelineParams(pipeline) },
      request,
    );
  }

  decidePromotion(
    id: string,
    decision: 'approve' | 'reject',
    options: { reason?: string },
  ): Promise<PromotionRecord> {
    return this.call(
      'post',
      `/v1/promotions/{id}/${decision}`,
      { path: { id } },
      options,
    );
  }

  getPromotion(id: string): Promise<PromotionDetail> {
    return this.call('get', '/v1/promotions/{id}', { path: { id } });
  }

  promotionAction(
    id: string,
    action: 'retry' | 'cancel',
    options: { reason?: string },
  ): Promise<PromotionRecord> {
    return this.call(
      'post',
      `/v1/promotions/{id}/${action}`,
      { path: { id } },
      options,
    );
  }

  rollback(
    pipeline: PipelineKey,
    request: {
      environment: string;
      version: string;
      reason?: string;
    },
  ): Promise<PromotionRecord> {
    return this.call(
      'post',
      '/v1/pipelines/{cluster}/{namespace}/{name}/rollback',
      { path: pipelineParams(pipeline) },
      request,
    );
  }

  releaseHold(
    pipeline: PipelineKey,
    environment: string,
  ): Promise<EnvironmentHold> {
    return this.call(
      'delete',
      '/v1/pipelines/{cluster}/{namespace}/{name}/holds/{environment}',
      {
        path: { ...pipelineParams(pipeline), environment },
      },
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

  /**
   * One JSON call, typed from the API's OpenAPI document: `template` is a path of the
   * document, its `{parameters}` filled from `params.path` (URI-encoded), `params.query`
   * appended without undefined values; the response body is the operation's 200/201 JSON
   * type. Errors keep the backend's Backstage error (ResponseError).
   */
  private async call<
    P extends PipelinesApiPath,
    M extends PipelinesApiMethod<P>,
  >(
    method: M,
    template: P,
    params: PipelinesApiParameters<P, M>,
    body?: PipelinesApiRequestBody<P, M>,
  ): Promise<PipelinesApiResponse<P, M>> {
    const pathParams: Record<string, unknown> = params.path ?? {};
    const path = String(template).replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(String(pathParams[name])),
    );
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params.query ?? {})) {
      if (value !== undefined && value !== '') query.set(key, String(value));
    }
    const qs = query.toString();
    const baseUrl = await this.discoveryApi.getBaseUrl(PIPELINES_PLUGIN_ID);
    const response = await this.fetchApi.fetch(
      `${baseUrl}${path}${qs ? `?${qs}` : ''}`,
      body === undefined
        ? { method: method.toUpperCase() }
        : {
            method: method.toUpperCase(),
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as PipelinesApiResponse<P, M>;
  }
}

/** The path parameters of a pipeline's routes. */
function pipelineParams(key: PipelineKey) {
  return { cluster: key.cluster, namespace: key.namespace, name: key.name };
}
