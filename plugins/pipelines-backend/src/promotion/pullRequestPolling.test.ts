import { DEFAULT_POLL, pullRequestPollDelay } from './pullRequestPolling';

/** The number of polls of one pull request between `fromMs` and `toMs` of its age. */
function polls(fromMs: number, toMs: number) {
  let age = 0;
  let count = 0;
  while (age < toMs) {
    age += pullRequestPollDelay(age, DEFAULT_POLL);
    if (age >= fromMs && age < toMs) count++;
  }
  return count;
}

describe('pullRequestPollDelay', () => {
  it('checks a new pull request often and an old one rarely, within the bounds', () => {
    expect(pullRequestPollDelay(0, DEFAULT_POLL)).toBe(10_000);
    expect(pullRequestPollDelay(20 * 60_000, DEFAULT_POLL)).toBe(120_000);
    expect(pullRequestPollDelay(24 * 3600_000, DEFAULT_POLL)).toBe(300_000);
  });

  it('costs 47 forge requests in the first hour of a followed pull request and 12 per hour after', () => {
    const first = polls(0, 3600_000);
    const later = polls(24 * 3600_000, 25 * 3600_000);
    process.stdout.write(
      `forge requests per followed PR: ${first} in the first hour, ${later} per hour after\n`,
    );
    expect(first).toBe(47);
    expect(later).toBe(12);
  });
});
