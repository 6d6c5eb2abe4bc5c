import { DependencyList, useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';

/**
 * `useAsync` with a `retry` that is never lost: react-use's `useAsyncRetry` ignores a retry
 * while a fetch is in flight, so a change reported during a fetch (a promotion that moved on
 * within a second) would not be shown until the next one. Here every `retry` starts a fetch
 * whose result wins over the earlier ones; the last value stays shown while it loads.
 */
export function useRefetchable<T>(fn: () => Promise<T>, deps: DependencyList) {
  const [attempt, setAttempt] = useState(0);
  const state = useAsync(fn, [...deps, attempt]);
  const retry = useCallback(() => setAttempt(n => n + 1), []);
  return { ...state, retry };
}
