import {
  ChaosContext,
  checkFinished,
  expectEqual,
  Figures,
  listen,
  merge,
  mergeAndDeploy,
  nextVersion,
  rowsFor,
  webhook,
} from './scenarios';
import { until } from './replica';

/** The crash points of `plugins/pipelines-backend/src/promotion/crashPoint.ts`, in promotion order. */
export const CRASH_POINTS = [
  'after-request',
  'after-push',
  'after-pull-request',
  'awaiting-merge',
  'rolling-out',
] as const;

/** 100 concurrent duplicate webhooks, alternating between the replicas ⇒ one row, one PR. */
export async function duplicates(ctx: ChaosContext): Promise<Figures> {
  const token = await ctx.a.guestToken();
  const version = nextVersion();
  const answers = await Promise.all(
    [...Array(100).keys()].map(i => webhook(i % 2 ? ctx.b : ctx.a, version)),
  );
  const created = answers.filter(r => r.status === 201).length;
  const failed = answers.filter(r => r.status >= 300).length;
  // the same bytes twice are one delivery (200 {ignored: 'already delivered'}, no row)
  const replays = answers.filter(r => r.status === 200 && !r.id).length;
  expectEqual('requests answered 201 (created)', created, 1);
  expectEqual('requests refused', failed, 0);
  expectEqual(
    'distinct row ids',
    new Set(answers.map(r => r.id).filter(Boolean)).size,
    1,
  );
  const deployed = await mergeAndDeploy(ctx, ctx.b, token, version);
  const events = await checkFinished(ctx, token, version, deployed.id);
  return {
    requests: 100,
    created,
    replays,
    rows: 1,
    pullRequests: 1,
    events,
  };
}

/** A row created on one replica reaches `/v1/events` clients of the other, both ways, within 1 s. */
export async function crossReplicaEvents(ctx: ChaosContext): Promise<Figures> {
  const token = await ctx.a.guestToken();
  const delays: Record<string, number> = {};
  for (const [from, to, label] of [
    [ctx.a, ctx.b, 'aToBMs'],
    [ctx.b, ctx.a, 'bToAMs'],
  ] as const) {
    const seen = new Map<string, number>();
    const stop = listen(to, token, (event, data) => {
      if (event === 'promotion-changed' && data.id && !seen.has(data.id))
        seen.set(data.id, Date.now());
    });
    await new Promise(r => setTimeout(r, 500)); // the stream is open
    const version = nextVersion();
    const sent = Date.now();
    const { status, id } = await webhook(from, version);
    expectEqual(`webhook to ${from.name}`, status, 201);
    const at = await until(
      `${to.name}'s client sees row ${id}`,
      async () => seen.get(id!),
      15_000,
      20,
    ).finally(stop);
    delays[label] = at - sent;
    await mergeAndDeploy(ctx, from, token, version);
  }
  if (delays.aToBMs > 1000 || delays.bToAMs > 1000)
    throw new Error(`cross-replica delay over 1 s: ${JSON.stringify(delays)}`);
  return delays;
}

/**
 * Replica a dies (SIGKILL at the crash point after the branch push) while it holds the claim
 * of a running row; replica b takes the row over when the lease runs out and opens the one PR.
 */
export async function killWhileClaimed(ctx: ChaosContext): Promise<Figures> {
  const token = await ctx.b.guestToken();
  await ctx.a.stop();
  await ctx.a.start({ PIPELINES_CRASH_POINT: 'after-push' });
  const version = nextVersion();
  await webhook(ctx.a, version);
  await ctx.a.exited(30_000);
  const died = Date.now();
  await until(
    `b takes ${version} over`,
    async () =>
      (
        await rowsFor(ctx.b, token, version)
      ).find(r => r.state === 'awaiting-merge'),
    90_000,
    250,
  );
  const takeoverMs = Date.now() - died;
  if (takeoverMs > 60_000)
    throw new Error(`takeover took ${takeoverMs} ms (over a minute)`);
  await ctx.a.start();
  const deployed = await mergeAndDeploy(ctx, ctx.b, token, version);
  const events = await checkFinished(ctx, token, version, deployed.id);
  return { takeoverMs, pullRequests: 1, events };
}

/**
 * With one replica running (so the crash point is surely hit), a promotion crashes it at
 * `point`; restarted without the crash point it finishes: one PR, deployed, a whole event log.
 */
export async function crashAt(
  ctx: ChaosContext,
  point: (typeof CRASH_POINTS)[number],
): Promise<Figures> {
  await ctx.b.stop(); // stays stopped: the crash scenarios come last
  await ctx.a.stop();
  await ctx.a.start({ PIPELINES_CRASH_POINT: point });
  const token = await ctx.a.guestToken();
  const version = nextVersion();
  const requested = webhook(ctx.a, version).catch(() => ({
    status: 0,
    id: undefined,
  }));
  if (point === 'rolling-out') {
    const row = await until(
      `${version} awaiting merge`,
      async () =>
        (
          await rowsFor(ctx.a, token, version)
        ).find(r => r.state === 'awaiting-merge'),
      60_000,
      250,
    );
    await merge(ctx.sandbox, row.pullRequestNumber);
  }
  await ctx.a.exited(60_000);
  await requested;
  const crashed = Date.now();
  await ctx.a.start();
  const deployed = await mergeAndDeploy(ctx, ctx.a, token, version);
  const recoveryMs = Date.now() - crashed;
  const events = await checkFinished(ctx, token, version, deployed.id);
  return { recoveryMs, pullRequests: 1, events };
}
