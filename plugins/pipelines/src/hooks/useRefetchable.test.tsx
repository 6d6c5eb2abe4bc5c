import { act, renderHook, waitFor } from '@testing-library/react';
import { useRefetchable } from './useRefetchable';

describe('useRefetchable', () => {
  it('starts a fetch for a retry made while one is in flight, and keeps the newest answer', async () => {
    const resolvers: Array<(v: string) => void> = [];
    const { result } = renderHook(() =>
      useRefetchable(
        () => new Promise<string>(resolve => resolvers.push(resolve)),
        [],
      ),
    );
    expect(resolvers).toHaveLength(1);
    // A promotion moved on while the first fetch was in flight (react-use's useAsyncRetry drops this retry).
    act(() => result.current.retry());
    expect(resolvers).toHaveLength(2);
    await act(async () => resolvers[1]('awaiting-merge'));
    await waitFor(() => expect(result.current.value).toBe('awaiting-merge'));
    await act(async () => resolvers[0]('running')); // the older answer arrives late: ignored
    expect(result.current.value).toBe('awaiting-merge');
  });
});
