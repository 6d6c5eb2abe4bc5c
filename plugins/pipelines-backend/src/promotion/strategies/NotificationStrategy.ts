import { CoreV1Api } from '@kubernetes/client-node';
import {
  PIPELINE_API_VERSION,
  PIPELINE_GROUP,
  PIPELINE_KIND,
  PromotionPreview,
} from '@gitops-pipelines/plugin-pipelines-common';
import { createHash } from 'crypto';
import {
  PromotionContext,
  PromotionError,
  PromotionOutcome,
  PromotionStrategy,
} from './PromotionStrategy';
import { promoteEvent, sendFluxEvent } from './fluxEventReceiver';

export interface NotificationStrategyOptions {
  /**
   * The event receiver URL configured for a management cluster
   * (`pipelines.notificationController.url`); undefined: the API server's service proxy.
   */
  receiverUrl?: (cluster: string) => string | undefined;
}

/**
 * Promotion by notification, as pipeline-controller does it: a Flux event with reason
 * `Promote` about the Pipeline, carrying the environment and version, delivered to
 * notification-controller's event receiver — the only way Flux's Alerts see it — and
 * recorded as a Kubernetes Event on the Pipeline for `kubectl describe`. The Event's name
 * is derived from the ledger row, so a retry finds the one it already created; a failed
 * delivery is retried like a forge failure.
 */
export class NotificationStrategy implements PromotionStrategy {
  readonly name = 'notification' as const;

  constructor(private readonly options: NotificationStrategyOptions = {}) {}

  /** The `Promote` event for a row (the same for a preview, whose id is not assigned yet). */
  private event(ctx: PromotionContext) {
    const { record, pipeline } = ctx;
    return promoteEvent({
      pipeline: {
        apiVersion: PIPELINE_API_VERSION,
        kind: PIPELINE_KIND,
        name: pipeline.metadata.name,
        namespace: pipeline.metadata.namespace!,
        uid: pipeline.metadata.uid,
        resourceVersion: pipeline.metadata.resourceVersion,
      },
      environment: record.toEnvironment,
      version: record.version,
      promotionId: record.id,
    });
  }

  async preview(ctx: PromotionContext): Promise<PromotionPreview> {
    return { strategy: 'notification', event: { ...this.event(ctx) } };
  }

  async execute(ctx: PromotionContext): Promise<PromotionOutcome> {
    const { record, pipeline } = ctx;
    const delivered = await sendFluxEvent(this.event(ctx), {
      kubeConfig: ctx.kubeConfig,
      url: this.options.receiverUrl?.(record.pipeline.cluster),
    });
    const api = ctx.kubeConfig.makeApiClient(CoreV1Api);
    const namespace = pipeline.metadata.namespace!;
    const name = `${pipeline.metadata.name}.promote-${createHash('sha256')
      .update(record.id)
      .digest('hex')
      .slice(0, 16)}`;
    const now = new Date();
    const message = `Promote version ${record.version} to environment ${record.toEnvironment}`;
    try {
      await api.createNamespacedEvent({
        namespace,
        body: {
          metadata: {
            name,
            namespace,
            annotations: {
              [`${PIPELINE_GROUP}/environment`]: record.toEnvironment,
              [`${PIPELINE_GROUP}/version`]: record.version,
              [`${PIPELINE_GROUP}/promotion-id`]: record.id,
            },
          },
          involvedObject: {
            apiVersion: PIPELINE_API_VERSION,
            kind: PIPELINE_KIND,
            name: pipeline.metadata.name,
            namespace,
            uid: pipeline.metadata.uid,
            resourceVersion: pipeline.metadata.resourceVersion,
          },
          reason: 'Promote',
          type: 'Normal',
          message,
          source: { component: 'backstage-pipelines' },
          reportingComponent: 'backstage-pipelines',
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
    } catch (e: any) {
      if (e?.code === 409) {
        return {
          summary: `Delivered to ${delivered}; event ${namespace}/${name} (already recorded): ${message}`,
        };
      }
      // One rule for every HTTP failure (PromotionError.fromHttp): retried within the budget.
      const status = typeof e?.code === 'number' ? e.code : undefined;
      throw PromotionError.fromHttp(
        'could not create the Promote event',
        status,
        e?.body ? String(e.body).slice(0, 200) : String(e?.message ?? e),
      );
    }
    return {
      summary: `Delivered to ${delivered}; event ${namespace}/${name}: ${message}`,
    };
  }
}
