import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  ANNOTATION_PIPELINE,
  PipelineKey,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';
import type { PromotionEngine } from '../promotion/PromotionEngine';
import { entityLinksPipeline } from '../service/requirePermission';
import type { PipelineStateReader } from '../state/PipelineStateReader';

export interface PromotionNotificationsOptions {
  engine: Pick<PromotionEngine, 'onChange'>;
  notifications: NotificationService;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** Where each pipeline's own entity (`pipelines.weave.works/entity`) is read from. */
  state: Pick<PipelineStateReader, 'getPipeline'>;
  defaultCluster?: string;
}

/** The catalog entities whose annotations link to a pipeline (as the tab resolves them). */
async function linkedEntities(
  options: PromotionNotificationsOptions,
  key: PipelineKey,
): Promise<CompoundEntityRef[]> {
  const { catalog, auth, defaultCluster } = options;
  const { items } = await catalog.getEntities(
    {
      filter: {
        [`metadata.annotations.${ANNOTATION_PIPELINE}`]: CATALOG_FILTER_EXISTS,
      },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.annotations',
      ],
    },
    { credentials: await auth.getOwnServiceCredentials() },
  );
  return items
    .filter(e => entityLinksPipeline(e, key, defaultCluster))
    .map(e => parseEntityRef(stringifyEntityRef(e)));
}

/** Where the tab of an entity is in the app (`/catalog/<namespace>/<kind>/<name>/pipelines`). */
const tabLink = (e: CompoundEntityRef) =>
  `/catalog/${e.namespace}/${e.kind.toLocaleLowerCase('en-US')}/${
    e.name
  }/pipelines`;
const isUser = (ref: string) => ref.startsWith('user:');

/**
 * Backstage notifications for promotions, sent by the replica that made the change (once):
 *
 * - **waiting for approval** → the owners of the pipeline's own entity (its
 *   `pipelines.weave.works/entity`: the people whose decision counts; the requester
 *   excluded) — never of an entity that merely claims the pipeline in its annotation;
 * - **failed** → the requester and those owners;
 * - **deployed** → the requester.
 *
 * Each links to the Pipeline tab of the pipeline's own entity when it links the pipeline,
 * else of the first linked entity. The scope is the promotion
 * (`pipelines:promotion:<id>`), so a later notification about the same promotion replaces
 * the earlier one instead of piling up. A failure to notify is logged; it never fails a promotion.
 * Returns the unsubscribe function.
 */
export function connectPromotionNotifications(
  options: PromotionNotificationsOptions,
): () => void {
  const { engine, notifications, logger } = options;
  const send = async (record: PromotionRecord) => {
    const label = `${record.pipeline.namespace}/${record.pipeline.name}`;
    const entities = await linkedEntities(options, record.pipeline);
    const own = options.state.getPipeline(record.pipeline)?.entityRef;
    const home =
      entities.find(e => stringifyEntityRef(e) === own) ?? entities[0];
    const link = home ? tabLink(home) : undefined;
    const owners = own ? [own] : [];
    const requester = isUser(record.requestedBy) ? [record.requestedBy] : [];
    const scope = `pipelines:promotion:${record.id}`;
    const payload = { link, scope, topic: `pipelines:${label}` };
    if (record.state === 'waiting-approval' && owners.length) {
      await notifications.send({
        recipients: {
          type: 'entity',
          entityRef: owners,
          excludeEntityRef: requester,
        },
        payload: {
          ...payload,
          severity: 'high',
          title: `Approval needed: ${record.version} into ${record.toEnvironment} (${label})`,
          description: `${record.requestedBy} asks to promote ${record.version} into ${record.toEnvironment}. Approve or reject it on the Pipeline tab.`,
        },
      });
    } else if (
      record.state === 'failed' &&
      (owners.length || requester.length)
    ) {
      await notifications.send({
        recipients: {
          type: 'entity',
          entityRef: [...new Set([...requester, ...owners])],
        },
        payload: {
          ...payload,
          severity: 'high',
          title: `Promotion failed: ${record.version} into ${record.toEnvironment} (${label})`,
          description:
            record.error ??
            'The promotion failed; see its timeline on the Pipeline tab.',
        },
      });
    } else if (record.state === 'deployed' && requester.length) {
      await notifications.send({
        recipients: { type: 'entity', entityRef: requester },
        payload: {
          ...payload,
          severity: 'low',
          title: `Deployed: ${record.version} in ${record.toEnvironment} (${label})`,
          description: `Every target of ${record.toEnvironment} runs ${record.version}.`,
        },
      });
    }
  };
  return engine.onChange((change, origin) => {
    if (
      origin !== 'local' ||
      !change.id ||
      !change.state ||
      !change.requestedBy ||
      !['waiting-approval', 'failed', 'deployed'].includes(change.state)
    )
      return;
    send(change as PromotionRecord).catch(e =>
      logger.warn(
        `Could not send the notification for promotion ${change.id} (${change.state}): ${e}`,
      ),
    );
  });
}
