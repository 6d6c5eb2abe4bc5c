import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  EnvironmentState,
  PipelineDetail,
  PipelineActionPermissions,
} from '@gitops-pipelines/plugin-pipelines-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { PromotionPreviewView } from '../PromotionPreview';
import { pipelinesApiRef } from '../../api/PipelinesApi';
import { verdict } from '../../hooks/verdict';

/** What promoting into an environment will do, in words. */
export function describePromotion(env: EnvironmentState): string {
  const p = env.promotion;
  let how = 'There is no promotion strategy for this environment.';
  if (p.kind === 'pull-request' && p.pullRequest) {
    how = `Opens (or updates) a pull request on ${p.pullRequest.type} in ${p.pullRequest.url} against ${p.pullRequest.baseBranch}, editing the fields marked for ${env.name}.`;
  } else if (p.kind === 'notification') {
    how = `Emits a Promote event on the Pipeline for Flux's notification-controller.`;
  }
  return `${how} ${
    p.manual
      ? 'Someone other than you must approve it first.'
      : 'It runs right away.'
  }`;
}

/** The Promote button and its dialog: pick the environment and the version. */
export function PromoteDialog({
  pipeline,
  permissions,
}: {
  pipeline: PipelineDetail;
  permissions: PipelineActionPermissions;
}) {
  const api = useApi(pipelinesApiRef);
  const alertApi = useApi(alertApiRef);
  const { allowed, loading } = verdict(permissions, 'create');
  const targets = pipeline.environments.slice(1);
  const [open, setOpen] = useState(false);
  const [environment, setEnvironment] = useState(targets[0]?.name ?? '');
  const index = pipeline.environments.findIndex(e => e.name === environment);
  const suggested =
    pipeline.environments[index - 1]?.versions[0]?.version ?? '';
  const [version, setVersion] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const env = pipeline.environments[index];
  const value = version ?? suggested;

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const record = await api.createPromotion(pipeline, {
        environment,
        version: value,
      });
      alertApi.post({
        message: `Promotion of ${record.version} to ${record.toEnvironment}: ${record.state}`,
        severity: 'success',
        display: 'transient',
      });
      setOpen(false);
      setVersion(undefined);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  let why: string | undefined;
  if (!loading && !allowed)
    why = 'You do not have permission to promote this entity';
  else if (!targets.length)
    why = 'The pipeline has a single environment: nothing to promote into';
  const button = (
    <Button
      variant="contained"
      color="primary"
      disabled={Boolean(why) || loading}
      onClick={() => setOpen(true)}
    >
      Promote
    </Button>
  );
  return (
    <>
      {why ? (
        <Tooltip title={why}>
          <span>{button}</span>
        </Tooltip>
      ) : (
        button
      )}
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        fullWidth
        maxWidth="sm"
      >
        <DialogTitle>
          Promote {pipeline.namespace}/{pipeline.name}
        </DialogTitle>
        <DialogContent>
          <TextField
            select
            fullWidth
            margin="normal"
            label="Environment"
            value={environment}
            onChange={e => {
              setEnvironment(e.target.value as string);
              setVersion(undefined);
            }}
            SelectProps={{
              inputProps: { 'data-testid': 'promote-environment' },
            }}
          >
            {targets.map(t => (
              <MenuItem key={t.name} value={t.name}>
                {t.name}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            fullWidth
            margin="normal"
            label="Version"
            value={value}
            onChange={e => setVersion(e.target.value)}
            helperText={
              suggested
                ? `${pipeline.environments[index - 1].name} runs ${suggested}`
                : undefined
            }
            inputProps={{ 'data-testid': 'promote-version' }}
          />
          {env && (
            <Typography
              variant="body2"
              color="textSecondary"
              data-testid="promote-description"
            >
              {describePromotion(env)}
            </Typography>
          )}
          {open && env && value.trim() && (
            <PromotionPreviewView
              pipeline={pipeline}
              environment={environment}
              version={value}
            />
          )}
          {error && (
            <Alert severity="error" style={{ marginTop: 16 }}>
              {error}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button
            color="primary"
            variant="contained"
            disabled={busy || !value.trim()}
            onClick={submit}
          >
            Request promotion
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
