import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError, ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  EntityPipelinesResponse,
  PIPELINES_PLUGIN_ID,
  PipelineKey,
  PromotionRecord,
} from '@gitops-pipelines/plugin-pipelines-common';
import { examples } from './promote.examples';

/** `[cluster:]namespace/name` → a pipeline key; cluster left empty when not given. */
export function parsePipelineInput(
  value: string,
): Partial<PipelineKey> & { namespace: string; name: string } {
  const match = /^(?:([^:/\s]+):)?([^:/\s]+)\/([^:/\s]+)$/.exec(value.trim());
  if (!match) {
    throw new InputError(
      `pipeline "${value}" is not of the form [cluster:]namespace/name`,
    );
  }
  return { cluster: match[1], namespace: match[2], name: match[3] };
}

async function call<T>(url: string, init: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw await ResponseError.fromResponse(response as any);
  return (await response.json()) as T;
}

/**
 * `pipelines:promote`: asks the pipelines backend, on behalf of the user who runs the
 * template, to promote a version into an environment. The backend checks
 * `pipelines.promotion.create` on the Pipeline's own entity for that user (who is then the
 * requester, and so cannot approve it) and records the promotion in its ledger.
 */
export function createPromoteAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  const { auth, discovery } = options;
  return createTemplateAction({
    id: 'pipelines:promote',
    description:
      'Promotes a version into an environment of a GitOps Pipeline (pipelines.weave.works/v1alpha1), as the user running the template.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .optional()
            .describe(
              'Catalog entity whose pipelines.weave.works/pipeline annotation links the pipeline (to find it; permissions are decided on the entity the Pipeline itself names)',
            ),
        pipeline: z =>
          z
            .string()
            .optional()
            .describe(
              'The pipeline as [cluster:]namespace/name; needed when the entity links several',
            ),
        environment: z =>
          z.string().min(1).describe('The environment to promote into'),
        version: z => z.string().min(1).describe('The version to promote'),
      },
      output: {
        promotionId: z => z.string().describe('The promotion ledger id'),
        state: z =>
          z
            .string()
            .describe('The ledger state, e.g. waiting-approval or running'),
        pullRequestUrl: z =>
          z.string().optional().describe('The pull request, once opened'),
      },
    },
    async handler(ctx) {
      const { entityRef, pipeline, environment, version } = ctx.input;
      if (!entityRef && !pipeline) {
        throw new InputError('Give entityRef or pipeline');
      }
      const baseUrl = await discovery.getBaseUrl(PIPELINES_PLUGIN_ID);
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await ctx.getInitiatorCredentials(),
        targetPluginId: PIPELINES_PLUGIN_ID,
      });
      const headers = {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      };

      let key: PipelineKey | undefined;
      const wanted = pipeline ? parsePipelineInput(pipeline) : undefined;
      if (entityRef) {
        const ref = parseEntityRef(entityRef, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        });
        const path = [ref.kind, ref.namespace, ref.name]
          .map(s => encodeURIComponent(s.toLocaleLowerCase('en-US')))
          .join('/');
        const linked = await call<EntityPipelinesResponse>(
          `${baseUrl}/v1/entity/${path}/pipelines`,
          { headers },
        );
        const candidates = linked.items
          .map(i => i.ref)
          .filter(
            r =>
              !wanted ||
              (r.namespace === wanted.namespace &&
                r.name === wanted.name &&
                (!wanted.cluster || r.cluster === wanted.cluster)),
          );
        if (candidates.length !== 1) {
          throw new InputError(
            candidates.length === 0
              ? `${entityRef} is not linked to ${pipeline ?? 'any pipeline'}`
              : `${entityRef} links several pipelines (${candidates
                  .map(c => `${c.cluster}:${c.namespace}/${c.name}`)
                  .join(', ')}); give pipeline`,
          );
        }
        key = candidates[0];
      } else if (wanted?.cluster) {
        key = wanted as PipelineKey;
      } else {
        throw new InputError(
          'pipeline needs the cluster ([cluster:]namespace/name) when no entityRef is given',
        );
      }

      const target = `${key.cluster}:${key.namespace}/${key.name}`;
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would promote ${version} into ${environment} of ${target}`,
        );
        ctx.output('promotionId', 'dry-run');
        ctx.output('state', 'dry-run');
        return;
      }
      const record = await ctx.checkpoint({
        key: `pipelines.promote.${target}.${environment}.${version}`,
        fn: async () => {
          const url = `${baseUrl}/v1/pipelines/${[
            key!.cluster,
            key!.namespace,
            key!.name,
          ]
            .map(encodeURIComponent)
            .join('/')}/promotions`;
          const created = await call<PromotionRecord>(url, {
            method: 'POST',
            headers: { ...headers, 'X-Pipelines-Trigger': 'scaffolder' },
            // The backend decides on the Pipeline's own entity (pipelines.weave.works/entity),
            // for the user on whose behalf the token is: the user is the requester.
            body: JSON.stringify({ environment, version }),
          });
          return {
            id: created.id,
            state: created.state,
            pullRequestUrl: created.pullRequestUrl ?? null,
          };
        },
      });
      ctx.logger.info(
        `Promotion ${record.id} of ${version} into ${environment} of ${target}: ${record.state}`,
      );
      ctx.output('promotionId', record.id);
      ctx.output('state', record.state);
      if (record.pullRequestUrl)
        ctx.output('pullRequestUrl', record.pullRequestUrl);
    },
  });
}
