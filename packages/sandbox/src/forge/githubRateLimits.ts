/** An hour, GitHub's primary rate-limit window. */
const WINDOW_SECONDS = 3600;

/**
 * GitHub's primary rate limit: a budget of requests per hour per user (5000 when
 * authenticated), counted down by every request except conditional ones answered `304 Not
 * Modified`, and renewed when the window's reset time has passed.
 */
export class GithubRateLimits {
  private readonly windows = new Map<
    string,
    { limit: number; remaining: number; reset: number }
  >();

  private window(key: string, limit: number) {
    const now = Math.floor(Date.now() / 1000);
    let w = this.windows.get(key);
    if (!w || w.reset <= now) {
      w = { limit, remaining: limit, reset: now + WINDOW_SECONDS };
      this.windows.set(key, w);
    }
    return w;
  }

  /** Whether the budget is spent: the request is to be refused with 403 until the reset. */
  exhausted(key: string, limit: number): boolean {
    return this.window(key, limit).remaining === 0;
  }

  /** Counts one request unless `free`, and returns the `X-RateLimit-*` headers to answer with. */
  take(key: string, limit: number, free = false): Record<string, string> {
    const w = this.window(key, limit);
    if (!free && w.remaining > 0) w.remaining -= 1;
    return {
      'X-RateLimit-Limit': String(w.limit),
      'X-RateLimit-Remaining': String(w.remaining),
      'X-RateLimit-Used': String(w.limit - w.remaining),
      'X-RateLimit-Reset': String(w.reset),
      'X-RateLimit-Resource': 'core',
    };
  }
}
