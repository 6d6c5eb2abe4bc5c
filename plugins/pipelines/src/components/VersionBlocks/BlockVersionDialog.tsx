import { useApi } from '@backstage/core-plugin-api';
import {
  PipelineKey,
  PipelineActionPermissions,
} from '@gitops-pipelines/plugin-pipelines-common';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { pipelinesApiRef } from '../../api/PipelinesApi';
import { useAction } from '../../hooks/useAction';
import { verdict } from '../../hooks/verdict';

/**
 * "Block" on a lane that runs `version`: blocks it with a reason (its open promotions are
 * cancelled) and, when asked, rolls the environment back to the version deployed there
 * before, in one step.
 */
export function BlockVersionDialog({
  pipeline,
  environment,
  version,
  permissions,
  canRollBack,
  onDone,
}: {
  pipeline: PipelineKey;
  environment: string;
  version: string;
  permissions: PipelineActionPermissions;
  /** Whether promotions go into the environment (not the first one): then it can be rolled back. */
  canRollBack: boolean;
  onDone: () => void;
}) {
  const api = useApi(pipelinesApiRef);
  const { busy, run } = useAction(onDone);
  const { allowed } = verdict(permissions, 'block');
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [rollback, setRollback] = useState(canRollBack);
  const submit = async () => {
    const done = await run(
      `block ${version}`,
      () =>
        api.blockVersion(pipeline, {
          version,
          reason,
          ...(rollback ? { rollbackEnvironment: environment } : {}),
        }),
      result =>
        `${version} blocked${
          result.cancelled.length
            ? `; ${result.cancelled.length} promotion(s) cancelled`
            : ''
        }${
          result.rollback
            ? `; rolling ${environment} back to ${result.rollback.version}`
            : ''
        }`,
    );
    if (done) setOpen(false);
  };
  return (
    <>
      <Button
        size="small"
        variant="outlined"
        disabled={!allowed}
        title={
          allowed
            ? `Stop ${version} from being promoted further`
            : 'You do not have permission to block versions of this entity'
        }
        onClick={() => setOpen(true)}
      >
        Block {version}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} fullWidth>
        <DialogTitle>Block {version}</DialogTitle>
        <DialogContent>
          <Typography variant="body2" paragraph>
            No environment that has not run {version} will get it: requests are
            refused, and its waiting, queued and open pull-request promotions
            are cancelled.
          </Typography>
          <TextField
            label="Reason"
            required
            fullWidth
            value={reason}
            onChange={e => setReason(e.target.value)}
            inputProps={{ maxLength: 2000, 'data-testid': 'block-reason' }}
          />
          {canRollBack && (
            <FormControlLabel
              control={
                <Checkbox
                  checked={rollback}
                  onChange={e => setRollback(e.target.checked)}
                />
              }
              label={`Also roll ${environment} back to the version deployed there before`}
            />
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Close</Button>
          <Button
            color="primary"
            variant="contained"
            disabled={!reason.trim() || busy}
            onClick={submit}
          >
            {rollback ? 'Block and roll back' : 'Block'}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
