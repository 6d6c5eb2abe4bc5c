import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { pipelinesApiRef } from '../../api/PipelinesApi';

/** A promotion's event log as a timeline, oldest first: what happened, when, and who did it. */
export function PromotionTimeline({
  id,
  revision,
}: {
  id: string;
  revision: number;
}) {
  const api = useApi(pipelinesApiRef);
  const { value, loading, error } = useAsync(
    () => api.getPromotion(id),
    [api, id, revision],
  );
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return loading ? <Progress /> : null;
  return (
    <ol data-testid="promotion-timeline" style={{ margin: 0, paddingLeft: 20 }}>
      {value.events.map(e => (
        <li key={e.id}>
          <Typography
            variant="body2"
            component="span"
            color={
              e.type === 'failed' || e.type === 'attempt-failed'
                ? 'error'
                : 'textPrimary'
            }
          >
            <span
              title={e.at}
              style={{ fontFamily: 'monospace', marginRight: 8 }}
            >
              {new Date(e.at).toLocaleString()}
            </span>
            <strong>{e.type}</strong> {e.message}
            {e.actor && e.actor.startsWith('pipelines:') === false && (
              <Typography
                variant="caption"
                color="textSecondary"
                component="span"
              >
                {' '}
                — {e.actor}
              </Typography>
            )}
          </Typography>
        </li>
      ))}
    </ol>
  );
}
