import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type { z as zodV3 } from 'zod/v3';
import {
  pipelinesPromotionCreatePermission,
  PipelineKey,
} from '@gitops-pipelines/plugin-pipelines-common';
import type { PromotionStore } from '../database/PromotionStore';
import type { PromotionEngine } from '../promotion/PromotionEngine';
import { actor, PermissionChecks } from '../service/requirePermission';
import type { PipelineStateReader } from '../state/PipelineStateReader';

export interface PipelinesActionsOptions {
  actionsRegistry: ActionsRegistryService;
  checks: PermissionChecks;
  state: PipelineStateReader;
  promotions: PromotionStore;
  engine: PromotionEngine;
  /** The management cluster when an action names none. */
  defaultCluster?: string;
}

/** Users and services only: an unauthenticated caller can neither read nor change anything. */
function requireCaller(credentials: BackstageCredentials) {
  const type = (credentials.principal as { type: string }).type;
  if (type !== 'user' && type !== 'service')
    throw new NotAllowedError(
      'The pipelines actions need an authenticated user or service',
    );
}

/**
 * Registers the plugin's actions with Backstage's actions registry, so that AI agents reach
 * them over MCP (`@backstage/plugin-mcp-actions-backend`, with `pipelines` among
 * `backend.actions.pluginSources`) and other plugins through the actions service. Each runs
 * with the caller's credentials (MCP: the user's, so the user is the requester) and the
 * same permission checks as the REST API, on the pipeline's own entity:
 *
 * - `get-pipeline` (read-only): a Pipeline's state from the watch cache — environments,
 *   targets, versions, health, conditions.
 * - `list-promotions` (read-only): the ledger's promotions of a pipeline, newest first, and
 *   those still active.
 * - `request-promotion` (destructive): asks to promote a version into an environment, as the
 *   Promote button does — `pipelines.promotion.create` on the pipeline (a service only
 *   where `pipelines.permissions.serviceMutations` names it); environments that need
 *   approvals wait for them like any request.
 */
export function registerPipelinesActions(options: PipelinesActionsOptions) {
  const { actionsRegistry, checks, state, promotions, engine, defaultCluster } =
    options;
  const keyOf = (input: {
    cluster?: string;
    namespace: string;
    name: string;
  }): PipelineKey => {
    const cluster = input.cluster ?? defaultCluster;
    if (!cluster)
      throw new NotFoundError(
        'No management cluster is configured; name one in "cluster"',
      );
    return { cluster, namespace: input.namespace, name: input.name };
  };
  const pipelineInput = (z: typeof zodV3) => ({
    cluster: z
      .string()
      .min(1)
      .max(253)
      .optional()
      .describe('The management cluster (default: the configured default)'),
    namespace: z
      .string()
      .min(1)
      .max(253)
      .describe("The Pipeline's namespace, e.g. flux-system"),
    name: z.string().min(1).max(253).describe("The Pipeline's name"),
  });

  actionsRegistry.register({
    name: 'get-pipeline',
    title: 'Get a GitOps pipeline',
    description:
      'The state of a Weave GitOps Pipeline (pipelines.weave.works/v1alpha1): its app, its environments in order, each target with the version it runs and its health, and its Ready condition.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object(pipelineInput(z)),
      output: z => z.object({ pipeline: z.record(z.string(), z.unknown()) }),
    },
    action: async ({ input, credentials }) => {
      requireCaller(credentials);
      const key = keyOf(input);
      await checks.requireReadFor(credentials, key);
      const pipeline = state.getPipeline(key);
      if (!pipeline)
        throw new NotFoundError(
          `Pipeline ${key.namespace}/${key.name} not found on management cluster "${key.cluster}"`,
        );
      return { output: { pipeline: JSON.parse(JSON.stringify(pipeline)) } };
    },
  });

  actionsRegistry.register({
    name: 'list-promotions',
    title: 'List the promotions of a GitOps pipeline',
    description:
      "The promotion ledger of a pipeline, newest first: each promotion's version, target environment, state (waiting-approval, queued, running, awaiting-merge, rolling-out, deployed, failed, rejected, cancelled, superseded), trigger, requester, approvals and pull request.",
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          ...pipelineInput(z),
          limit: z
            .number()
            .int()
            .min(1)
            .max(100)
            .default(20)
            .describe('How many, newest first'),
        }),
      output: z =>
        z.object({
          totalCount: z.number(),
          promotions: z.array(z.record(z.string(), z.unknown())),
          active: z.array(z.record(z.string(), z.unknown())),
        }),
    },
    action: async ({ input, credentials }) => {
      requireCaller(credentials);
      const key = keyOf(input);
      await checks.requireReadFor(credentials, key);
      const [{ items, totalCount }, active] = await Promise.all([
        promotions.list(key, { offset: 0, limit: input.limit }),
        promotions.listActive(key),
      ]);
      return {
        output: JSON.parse(
          JSON.stringify({ totalCount, promotions: items, active }),
        ),
      };
    },
  });

  actionsRegistry.register({
    name: 'request-promotion',
    title: 'Request a promotion',
    description:
      'Asks to promote a version into an environment of a GitOps pipeline, as the Promote button does, on behalf of the caller. Environments that need approvals wait for them (state waiting-approval); others start at once (a pull request or a notification, as the Pipeline says). Needs the pipelines.promotion.create permission.',
    attributes: { readOnly: false, idempotent: true, destructive: true },
    schema: {
      input: z =>
        z.object({
          ...pipelineInput(z),
          environment: z
            .string()
            .min(1)
            .max(63)
            .describe('The environment to promote into, e.g. prod'),
          version: z
            .string()
            .min(1)
            .max(255)
            .describe('The version, e.g. 6.2.0'),
        }),
      output: z =>
        z.object({
          id: z.string(),
          state: z.string(),
          created: z.boolean(),
          promotion: z.record(z.string(), z.unknown()),
        }),
    },
    action: async ({ input, credentials }) => {
      requireCaller(credentials);
      const key = keyOf(input);
      await checks.authorizeOnPipeline(
        credentials,
        pipelinesPromotionCreatePermission,
        key,
      );
      const { record, created } = await engine.request({
        pipeline: key,
        environment: input.environment,
        version: input.version,
        trigger: 'user',
        requestedBy: actor(credentials),
      });
      return {
        output: {
          id: record.id,
          state: record.state,
          created,
          promotion: JSON.parse(JSON.stringify(record)),
        },
      };
    },
  });
}
