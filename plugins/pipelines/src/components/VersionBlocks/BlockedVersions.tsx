import { useApi } from '@backstage/core-plugin-api';
import {
  PipelineKey,
  VersionBlock,
  PipelineActionPermissions,
} from '@gitops-pipelines/plugin-pipelines-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import { pipelinesApiRef } from '../../api/PipelinesApi';
import { useAction } from '../../hooks/useAction';
import { formatAge } from '../PipelineView/formatAge';
import { verdict } from '../../hooks/verdict';

/**
 * The versions blocked on a pipeline, each with who blocked it, why, and an Unblock button
 * (permission `pipelines.version.block`).
 */
export function BlockedVersions({
  pipeline,
  blocks,
  permissions,
  onChange,
}: {
  pipeline: PipelineKey;
  blocks: VersionBlock[];
  permissions: PipelineActionPermissions;
  onChange: () => void;
}) {
  const api = useApi(pipelinesApiRef);
  const { busy, run } = useAction(onChange);
  const { allowed } = verdict(permissions, 'block');
  const unblock = (version: string) =>
    run(
      `unblock ${version}`,
      () => api.unblockVersion(pipeline, version),
      `${version} unblocked`,
    );
  return (
    <>
      {blocks.map(b => (
        <Box mb={1} key={b.version}>
          <Alert
            severity="error"
            data-testid="version-block"
            action={
              <Button
                size="small"
                color="inherit"
                disabled={!allowed || busy}
                title={
                  allowed
                    ? undefined
                    : 'You do not have permission to unblock versions of this entity'
                }
                onClick={() => unblock(b.version)}
              >
                Unblock
              </Button>
            }
          >
            {b.version} is blocked by {b.blockedBy} — {b.reason} (
            {formatAge(b.createdAt)} ago): it is promoted nowhere it has not
            reached.
          </Alert>
        </Box>
      ))}
    </>
  );
}
