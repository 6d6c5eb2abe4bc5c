import {
  Content,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { usePipelineMatrix } from '../../hooks/usePipelineMatrix';
import { ReleaseMatrix } from './ReleaseMatrix';

/** The release matrix page (`/pipelines`): every pipeline the user may read, live. @public */
export function ReleaseMatrixPage() {
  const { rows, error, live } = usePipelineMatrix();
  return (
    <Page themeId="tool">
      <Header
        title="Release matrix"
        subtitle="What runs where, across every pipeline"
      />
      <Content>
        {error && <ResponseErrorPanel error={error} />}
        {!rows && !error && <Progress />}
        {rows && (
          <>
            <Typography variant="caption" color="textSecondary" component="p">
              {live === 'live'
                ? 'Live: updates as the clusters change'
                : 'Refreshing periodically'}
            </Typography>
            <ReleaseMatrix rows={rows} />
          </>
        )}
      </Content>
    </Page>
  );
}
