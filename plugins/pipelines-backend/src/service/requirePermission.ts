import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  getEntityPipelineCluster,
  getEntityPipelineRefs,
  normalizeIdentityRef,
  PipelineActionPermissions,
  PipelineKey,
  pipelinesPipelineReadPermission,
  pipelinesPromotionApprovePermission,
  pipelinesPromotionCreatePermission,
  pipelinesPromotionOverridePermission,
  pipelinesVersionBlockPermission,
} from '@gitops-pipelines/plugin-pipelines-common';
import express from 'express';
import type { PipelineStateReader } from '../state/PipelineStateReader';
import { createPipelineDecisions } from './pipelineDecisions';

/** Any Express request, whatever its typed parameters (the OpenAPI router types them). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRequest = express.Request<any, any, any, any>;

/** Who may call a mutating route: users, and (where config allows) services. */
export type MutatingCaller = 'users' | 'users-and-services';

export interface PermissionCheckOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** Where each pipeline's own entity (`pipelines.weave.works/entity`) is read from. */
  state: Pick<PipelineStateReader, 'getPipeline'>;
  /**
   * Service subjects (e.g. `external:ci-bot`) that may change pipelines
   * (`pipelines.permissions.serviceMutations`; default none). Users act for themselves:
   * the scaffolder action and MCP call on behalf of the user.
   */
  serviceMutations?: string[];
}

/**
 * Whether an entity's annotations link it to a pipeline, for display only (tab, matrix,
 * notifications): its `pipelines.weave.works/pipeline` refs name the pipeline, on the
 * cluster its `pipelines.weave.works/cluster` names (else `defaultCluster`). It never
 * grants or blocks a permission (ADR 0008).
 */
export function entityLinksPipeline(
  entity: Entity,
  key: PipelineKey,
  defaultCluster: string | undefined,
): boolean {
  const cluster = getEntityPipelineCluster(entity) ?? defaultCluster;
  return (
    cluster === key.cluster &&
    getEntityPipelineRefs(entity).refs.some(
      r => r.namespace === key.namespace && r.name === key.name,
    )
  );
}

/** Who acts, normalised: the user's entity ref, or `service:<subject>` for a calling service. */
export function actor(credentials: BackstageCredentials): string {
  const principal = credentials.principal as
    | BackstageUserPrincipal
    | BackstageServicePrincipal;
  return principal.type === 'user'
    ? normalizeIdentityRef(principal.userEntityRef)
    : `service:${principal.subject}`;
}

/**
 * Reads `pipelines.permissions.serviceMutations` (service subjects allowed to change
 * pipelines; default none) and warns at start when it names any, since it widens who
 * may promote.
 */
export function readServiceMutations(
  config: Config,
  logger: LoggerService,
): string[] {
  const subjects =
    config.getOptionalStringArray('pipelines.permissions.serviceMutations') ??
    [];
  if (subjects.length)
    logger.warn(
      `pipelines.permissions.serviceMutations lets these services request, retry, cancel and roll back promotions and release holds, on the permission policy's decision: ${subjects.join(
        ', ',
      )}`,
    );
  return subjects;
}

const pipelineLabel = (key: PipelineKey) =>
  `${key.namespace}/${key.name} on management cluster "${key.cluster}"`;

/**
 * The permission checks of the pipelines routes and actions, server-side, with the
 * caller's credentials. Every decision is about the pipeline's own entity, looked up in
 * the watch cache by the pipeline's key; never an entity the caller names (ADR 0008).
 */
export function createPermissionChecks(options: PermissionCheckOptions) {
  const { httpAuth, permissions, state } = options;
  const serviceMutations = new Set(options.serviceMutations ?? []);
  const decisions = createPipelineDecisions({ permissions });
  const entityOf = (key: PipelineKey) => state.getPipeline(key)?.entityRef;

  /** Whether the caller may read each pipeline (given with its own `entityRef`). */
  async function readable(
    credentials: BackstageCredentials,
    items: Array<{ entityRef?: string }>,
  ): Promise<boolean[]> {
    return decisions.decide(
      credentials,
      pipelinesPipelineReadPermission,
      items.map(i => i.entityRef),
    );
  }

  /**
   * The items the caller may read, in order. Refuses (403) only a caller whom the policy
   * denies reading any pipeline, so that an empty list means "none you may read".
   */
  async function filterReadable<T extends { entityRef?: string }>(
    credentials: BackstageCredentials,
    items: T[],
  ): Promise<T[]> {
    if (
      !(await decisions.mayHoldAny(
        credentials,
        pipelinesPipelineReadPermission,
      ))
    )
      throw new NotAllowedError('Not allowed to read pipelines');
    const ok = await readable(credentials, items);
    return items.filter((_, i) => ok[i]);
  }

  /** Checks `pipelines.pipeline.read` on one pipeline. @throws NotAllowedError (403) */
  async function requireReadFor(
    credentials: BackstageCredentials,
    key: PipelineKey,
  ) {
    const [ok] = await readable(credentials, [{ entityRef: entityOf(key) }]);
    if (!ok)
      throw new NotAllowedError(
        `Not allowed to read pipeline ${pipelineLabel(key)}`,
      );
  }

  /** {@link requireReadFor} with the request's credentials. */
  async function requireRead(req: AnyRequest, key: PipelineKey) {
    await requireReadFor(await httpAuth.credentials(req), key);
  }

  /** A service may change pipelines only when listed in `serviceMutations`, and never decide. */
  function mayMutate(credentials: BackstageCredentials, who: MutatingCaller) {
    const principal = credentials.principal as {
      type: string;
      subject?: string;
    };
    if (principal.type === 'user') return undefined;
    if (who === 'users') return 'Only a signed-in user may do this';
    return serviceMutations.has(principal.subject ?? '')
      ? undefined
      : `Service ${principal.subject} may not change pipelines; list it in pipelines.permissions.serviceMutations to allow it`;
  }

  /**
   * Checks a permission on a pipeline's own entity for credentials already allowed to
   * mutate ({@link caller}), and that they may read the pipeline.
   * @throws NotAllowedError (403)
   */
  async function authorizeOnPipeline(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    key: PipelineKey,
    who: MutatingCaller = 'users-and-services',
  ) {
    const refusal = mayMutate(credentials, who);
    if (refusal) throw new NotAllowedError(refusal);
    // Acting on a pipeline includes reading it (the answers carry its records, the preview its
    // repository): a permission to act never reaches past the read decision.
    const [, [ok]] = await Promise.all([
      requireReadFor(credentials, key),
      decisions.decide(credentials, permission, [entityOf(key)]),
    ]);
    if (!ok)
      throw new NotAllowedError(
        `Not allowed: ${permission.name} on pipeline ${pipelineLabel(key)}`,
      );
  }

  /** The caller of a mutating route: a user or a service, never anonymous (401). */
  async function caller(req: AnyRequest) {
    return httpAuth.credentials(req, { allow: ['user', 'service'] });
  }

  /** Authenticates the caller, checks `permission` on the pipeline, returns who acts. */
  async function authorizeAction(
    req: AnyRequest,
    permission: ResourcePermission<'catalog-entity'>,
    key: PipelineKey,
    who: MutatingCaller = 'users-and-services',
  ) {
    const credentials = await caller(req);
    await authorizeOnPipeline(credentials, permission, key, who);
    return actor(credentials);
  }

  /** What the caller may do on each pipeline (by its own `entityRef`): the tab's verdicts. */
  async function actionsOn(
    credentials: BackstageCredentials,
    items: Array<{ entityRef?: string }>,
  ): Promise<PipelineActionPermissions[]> {
    const refs = items.map(i => i.entityRef);
    const ask = async (
      permission: ResourcePermission<'catalog-entity'>,
      who: MutatingCaller,
    ) =>
      mayMutate(credentials, who)
        ? refs.map(() => false)
        : decisions.decide(credentials, permission, refs);
    const [create, approve, override, block] = await Promise.all([
      ask(pipelinesPromotionCreatePermission, 'users-and-services'),
      ask(pipelinesPromotionApprovePermission, 'users'),
      ask(pipelinesPromotionOverridePermission, 'users'),
      ask(pipelinesVersionBlockPermission, 'users'),
    ]);
    return refs.map((_, i) => ({
      create: create[i],
      approve: approve[i],
      override: override[i],
      block: block[i],
    }));
  }

  return {
    readable,
    filterReadable,
    requireRead,
    requireReadFor,
    authorizeOnPipeline,
    authorizeAction,
    caller,
    actionsOn,
  };
}

/** The checks object of {@link createPermissionChecks}, shared by the routes and actions. */
export type PermissionChecks = ReturnType<typeof createPermissionChecks>;
