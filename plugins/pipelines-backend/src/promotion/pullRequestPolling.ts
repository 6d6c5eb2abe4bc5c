/** Pull-request polling by default: first after 10 s, at most every 5 min. */
export const DEFAULT_POLL = { minMs: 10_000, maxMs: 5 * 60_000 };

/**
 * The delay in ms before the next poll of a pull request `ageMs` old: a tenth of its age,
 * within `[minMs, maxMs]`. Young PRs (just opened, often merged at once by a bot or a
 * reviewer at hand) are checked often, old ones rarely: with the defaults, 47 requests in
 * a PR's first hour and 12 per hour after that.
 */
export function pullRequestPollDelay(
  ageMs: number,
  poll: { minMs: number; maxMs: number },
): number {
  return Math.min(poll.maxMs, Math.max(poll.minMs, ageMs / 10));
}
