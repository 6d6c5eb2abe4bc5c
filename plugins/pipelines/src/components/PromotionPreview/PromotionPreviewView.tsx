import { useApi } from '@backstage/core-plugin-api';
import type {
  PipelineKey,
  PromotionPreview,
} from '@gitops-pipelines/plugin-pipelines-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { pipelinesApiRef } from '../../api/PipelinesApi';

const useStyles = makeStyles(theme => ({
  file: {
    fontFamily: 'monospace',
    fontSize: 12,
    margin: theme.spacing(1, 0),
    overflowX: 'auto',
  },
  line: { whiteSpace: 'pre', padding: '0 4px' },
  removed: {
    backgroundColor: theme.palette.type === 'dark' ? '#5a1d1d' : '#ffebe9',
  },
  added: {
    backgroundColor: theme.palette.type === 'dark' ? '#1d4a2a' : '#e6ffec',
  },
  hunk: { color: theme.palette.text.secondary },
}));

/** `value`, once it has stayed the same for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

function Diff({
  preview,
}: {
  preview: Extract<PromotionPreview, { strategy: 'pull-request' }>;
}) {
  const classes = useStyles();
  if (!preview.changed) {
    return (
      <Typography variant="body2">
        {preview.baseBranch} of {preview.repository} already has this version in
        all {preview.found} marked field(s): no pull request is needed.
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="body2">
        Pull request “{preview.title}” from {preview.branch} into{' '}
        {preview.baseBranch}: {preview.changed} of {preview.found} marked
        field(s) change.
      </Typography>
      {preview.files.map(file => (
        <Box
          key={file.path}
          className={classes.file}
          data-testid="preview-file"
        >
          <Typography variant="caption" component="div">
            <strong>{file.path}</strong>
          </Typography>
          {file.hunks.map(h => (
            <div key={`${h.oldStart}-${h.newStart}`}>
              <div className={`${classes.line} ${classes.hunk}`}>
                @@ -{h.oldStart},{h.oldLines} +{h.newStart},{h.newLines} @@
              </div>
              {h.lines.map((line, i) => (
                <div
                  key={i}
                  className={`${classes.line} ${
                    line.startsWith('-') ? classes.removed : ''
                  } ${line.startsWith('+') ? classes.added : ''}`}
                >
                  {line}
                </div>
              ))}
            </div>
          ))}
        </Box>
      ))}
    </>
  );
}

/**
 * The exact change a promotion would make, before it is requested or approved: the files and
 * lines of the pull request (the marker edit dry-run on the backend's clone) or the Flux
 * event a notification promotion sends. Fetched once the inputs settle (400 ms).
 */
export function PromotionPreviewView({
  pipeline,
  environment,
  version,
}: {
  pipeline: PipelineKey;
  environment: string;
  version: string;
}) {
  const api = useApi(pipelinesApiRef);
  const input = useDebounced(`${environment}\n${version}`, 400);
  const [env, ver] = input.split('\n');
  const { value, loading, error } = useAsync(
    async () =>
      env && ver.trim()
        ? api.previewPromotion(pipeline, {
            environment: env,
            version: ver.trim(),
          })
        : undefined,
    [api, pipeline.cluster, pipeline.namespace, pipeline.name, input],
  );
  return (
    <Box mt={2} data-testid="promotion-preview">
      <Typography variant="subtitle2">The change</Typography>
      {loading && (
        <Typography variant="body2" color="textSecondary">
          Computing the change…
        </Typography>
      )}
      {error && (
        <Typography variant="body2" color="error">
          {error.message}
        </Typography>
      )}
      {!loading && value?.strategy === 'pull-request' && (
        <Diff preview={value} />
      )}
      {!loading && value?.strategy === 'notification' && (
        <>
          <Typography variant="body2">
            This event goes to Flux's notification-controller:
          </Typography>
          <pre style={{ fontSize: 12, overflowX: 'auto' }}>
            {JSON.stringify(value.event, null, 2)}
          </pre>
        </>
      )}
    </Box>
  );
}
