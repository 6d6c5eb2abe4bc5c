/**
 * Polls `fn` until it returns a truthy value (returned), or throws `timed out waiting for
 * <what>` after `timeoutMs`. Exceptions from `fn` count as "not yet". For tests against the
 * sandbox, where state arrives through watches.
 */
export async function waitUntil<T>(
  fn: () =>
    | T
    | undefined
    | false
    | null
    | Promise<T | undefined | false | null>,
  what: string,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve()
      .then(fn)
      .catch(() => undefined);
    if (value) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, intervalMs));
  }
}
