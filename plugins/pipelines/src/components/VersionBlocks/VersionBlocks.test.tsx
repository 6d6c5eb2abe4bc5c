import { fireEvent, screen, waitFor } from '@testing-library/react';
import { mockPipelinesApi } from '../../__testUtils__/mockPipelinesApi';
import { promotionRecord } from '../../__testUtils__/promotionRecord';
import {
  ALL_PERMISSIONS,
  renderWithApis,
} from '../../__testUtils__/renderWithApis';
import { BlockedVersions } from './BlockedVersions';
import { BlockVersionDialog } from './BlockVersionDialog';
import { NO_PERMISSIONS } from '../../hooks/verdict';

const pipeline = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
};
const permissions = ALL_PERMISSIONS;
const block = {
  version: '6.7.0',
  blockedBy: 'user:default/alice',
  reason: 'memory leak',
  createdAt: new Date().toISOString(),
};

describe('BlockVersionDialog', () => {
  it('blocks the lane’s version with a reason and rolls the environment back in the same request', async () => {
    const onDone = jest.fn();
    const api = mockPipelinesApi({
      blockVersion: jest.fn(async () => ({
        block,
        created: true,
        cancelled: [],
        notCancelled: [],
        rollback: promotionRecord({ version: '6.6.0', trigger: 'rollback' }),
      })),
    });
    await renderWithApis(
      <BlockVersionDialog
        pipeline={pipeline}
        environment="test"
        version="6.7.0"
        permissions={permissions}
        canRollBack
        onDone={onDone}
      />,
      { api },
    );
    fireEvent.click(screen.getByRole('button', { name: 'Block 6.7.0' }));
    const submit = screen.getByRole('button', { name: 'Block and roll back' });
    expect(submit).toBeDisabled(); // a reason is required
    fireEvent.change(screen.getByTestId('block-reason'), {
      target: { value: 'memory leak' },
    });
    fireEvent.click(submit);
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(api.blockVersion).toHaveBeenCalledWith(pipeline, {
      version: '6.7.0',
      reason: 'memory leak',
      rollbackEnvironment: 'test',
    });
  });

  it('offers no rollback for the first environment', async () => {
    await renderWithApis(
      <BlockVersionDialog
        pipeline={pipeline}
        environment="dev"
        version="6.7.0"
        permissions={permissions}
        canRollBack={false}
        onDone={jest.fn()}
      />,
      {
        api: mockPipelinesApi(),
      },
    );
    fireEvent.click(screen.getByRole('button', { name: 'Block 6.7.0' }));
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Block' })).toBeInTheDocument();
  });

  it('is disabled without the permission', async () => {
    // usePermission caches decisions per permission and resource: this test uses its own entity.
    await renderWithApis(
      <BlockVersionDialog
        pipeline={pipeline}
        environment="dev"
        version="6.7.0"
        permissions={NO_PERMISSIONS}
        canRollBack={false}
        onDone={jest.fn()}
      />,
      { api: mockPipelinesApi() },
    );
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Block 6.7.0' }),
      ).toBeDisabled(),
    );
  });
});

describe('BlockedVersions', () => {
  it('shows who blocked a version and why, and unblocks it', async () => {
    const onChange = jest.fn();
    const api = mockPipelinesApi({
      unblockVersion: jest.fn(async () => block),
    });
    await renderWithApis(
      <BlockedVersions
        pipeline={pipeline}
        blocks={[block]}
        permissions={permissions}
        onChange={onChange}
      />,
      { api },
    );
    expect(screen.getByTestId('version-block')).toHaveTextContent(
      '6.7.0 is blocked by user:default/alice — memory leak',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Unblock' }));
    await waitFor(() => expect(onChange).toHaveBeenCalled());
    expect(api.unblockVersion).toHaveBeenCalledWith(pipeline, '6.7.0');
  });
});
