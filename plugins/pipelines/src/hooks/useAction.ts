import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useState } from 'react';

/**
 * Runs one user action with a busy flag and an alert: `run(what, fn, success)` posts
 * `success` (a string, or made from fn's result) and calls `onDone` when `fn` resolves, and
 * "Could not <what>: <error>" when it throws. Returns whether it succeeded.
 */
export function useAction(onDone: () => void) {
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState(false);
  const run = async <T>(
    what: string,
    fn: () => Promise<T>,
    success: string | ((result: T) => string),
  ): Promise<boolean> => {
    setBusy(true);
    try {
      const result = await fn();
      alertApi.post({
        message: typeof success === 'string' ? success : success(result),
        severity: 'success',
        display: 'transient',
      });
      onDone();
      return true;
    } catch (e) {
      alertApi.post({
        message: `Could not ${what}: ${(e as Error).message}`,
        severity: 'error',
      });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}
