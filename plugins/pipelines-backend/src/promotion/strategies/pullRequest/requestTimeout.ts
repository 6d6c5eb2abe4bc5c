/**
 * How long a forge may take by default: an API request's answer (body included), or a
 * git transfer that moves no data. Without a limit a forge that accepts connections and
 * never answers holds the promotion runner, which carries out one row at a time: Node's
 * fetch waits 5 minutes for headers and has no limit for a body that trickles, git none
 * once connected.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * How long one git command (a fetch or a push, whatever its speed) may take by default:
 * 5 minutes. The stall timeout above fails a transfer that moves no data; this one ends a
 * server that trickles bytes forever.
 */
export const DEFAULT_GIT_TIMEOUT_MS = 5 * 60_000;

/** What every refused redirect's message contains. */
export const REDIRECT_REFUSED = 'credentials are never sent on a redirect';

/**
 * A forge answered with a redirect: nothing was sent to where it points. Not retryable:
 * the configured address is wrong (a moved repository, http → https, an API behind a
 * login page).
 */
export class ForgeRedirectError extends Error {
  name = 'ForgeRedirectError';
}

/** Whether `e` (or what a client wrapped it in) is a refused redirect. */
export function isRedirectRefusal(e: unknown): boolean {
  return (
    e instanceof ForgeRedirectError ||
    String((e as Error)?.message ?? '').includes(REDIRECT_REFUSED)
  );
}

/** The message of a refused redirect: the status and where it pointed (origin only). */
export function redirectRefused(status: number, location: string | null) {
  let where = 'elsewhere';
  try {
    if (location) where = new URL(location, 'http://invalid').origin;
  } catch {
    // an unparsable Location: say nothing about it
  }
  return `the forge answered HTTP ${status}, a redirect to ${where}; ${REDIRECT_REFUSED}: configure the forge's final address`;
}

/** The message of a forge request that got no answer in time. */
export function noAnswerWithin(timeoutMs: number): string {
  return `no answer within ${timeoutMs / 1000} s`;
}

/**
 * `fetch` for a forge's API: gives up after `timeoutMs`, rejecting with an `Error` whose
 * message is {@link noAnswerWithin} (a caller's own `signal` still aborts it too; a body read
 * after the response arrived is cut off at the same deadline), and never follows a redirect
 * (`redirect: 'manual'`): a 3xx answer (but 304) rejects with a {@link ForgeRedirectError},
 * so the credential in the request's headers goes nowhere else.
 */
export function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal
      ? AbortSignal.any([init.signal, timeout])
      : timeout;
    try {
      const response = await fetch(input, {
        ...init,
        signal,
        redirect: 'manual',
      });
      if (
        response.status >= 300 &&
        response.status < 400 &&
        response.status !== 304
      ) {
        await response.body?.cancel().catch(() => undefined);
        throw new ForgeRedirectError(
          redirectRefused(response.status, response.headers.get('location')),
        );
      }
      return response;
    } catch (e) {
      if (timeout.aborted) throw new Error(noAnswerWithin(timeoutMs));
      throw e;
    }
  };
}
