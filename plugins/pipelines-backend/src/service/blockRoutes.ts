import {
  pipelinesVersionBlockPermission,
  VersionBlockListResponse,
} from '@gitops-pipelines/plugin-pipelines-common';
import { VersionBlockStore } from '../database/DatabaseVersionBlockStore';
import { VersionBlocking } from '../promotion/VersionBlocking';
import { PipelinesApiRouter } from '../schema/router';
import { PermissionChecks } from './requirePermission';

export interface BlockRoutesOptions {
  checks: PermissionChecks;
  blocks: VersionBlockStore;
  blocking: VersionBlocking;
}

/**
 * Blocked versions of a pipeline: list (read), block — optionally rolling an environment
 * back in the same step — and unblock, both with `pipelines.version.block`, checked
 * server-side for the caller and audited.
 */
export function registerBlockRoutes(
  router: PipelinesApiRouter,
  options: BlockRoutesOptions,
): void {
  const { blocks, blocking } = options;
  const { requireRead, authorizeAction } = options.checks;

  router.get(
    '/v1/pipelines/:cluster/:namespace/:name/blocks',
    async (req, res) => {
      await requireRead(req, req.params);
      const body: VersionBlockListResponse = {
        items: await blocks.list(req.params),
      };
      res.json(body);
    },
  );

  router.post(
    '/v1/pipelines/:cluster/:namespace/:name/blocks',
    async (req, res) => {
      const key = req.params;
      const { version, reason, rollbackEnvironment } = req.body;
      const by = await authorizeAction(
        req,
        pipelinesVersionBlockPermission,
        key,
        'users',
      );
      const result = await blocking.block(
        key,
        version,
        by,
        reason,
        rollbackEnvironment,
      );
      res.status(result.created ? 201 : 200).json(result);
    },
  );

  router.delete(
    '/v1/pipelines/:cluster/:namespace/:name/blocks/:version',
    async (req, res) => {
      const { version, ...key } = req.params;
      const by = await authorizeAction(
        req,
        pipelinesVersionBlockPermission,
        key,
        'users',
      );
      res.json(await blocking.unblock(key, version, by));
    },
  );
}
