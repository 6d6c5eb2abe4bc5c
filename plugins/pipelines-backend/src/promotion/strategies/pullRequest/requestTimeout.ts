/**
 * How long a forge may take by default: an API request's answer (body included), or a
 * git transfer that moves no data. Without a limit a forge that accepts connections and
 * never answers holds the promotion runner, which carries out one row at a time: Node's
 * fetch waits 5 minutes for headers and has no limit for a body that trickles, git none
 * once connected.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The message of a forge request that got no answer in time. */
export function noAnswerWithin(timeoutMs: number): string {
  return `no answer within ${timeoutMs / 1000} s`;
}

/**
 * `fetch` that gives up after `timeoutMs`, rejecting with an `Error` whose message is
 * {@link noAnswerWithin} (a caller's own `signal` still aborts it too). A body read after
 * the response arrived is cut off at the same deadline.
 */
export function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal
      ? AbortSignal.any([init.signal, timeout])
      : timeout;
    try {
      return await fetch(input, { ...init, signal });
    } catch (e) {
      if (timeout.aborted) throw new Error(noAnswerWithin(timeoutMs));
      throw e;
    }
  };
}
