import { execFileSync } from 'child_process';
import { until } from './replica';
import {
  ChaosContext,
  checkFinished,
  expectEqual,
  Figures,
  listen,
  mergeAndDeploy,
  nextVersion,
  rowsFor,
  webhook,
} from './scenarios';

/** Restarts the throwaway PostgreSQL of scripts/chaos.sh (`PG_BIN`, `PG_DIR`) the hard way: every connection is cut. */
function restartPostgres() {
  const { PG_BIN, PG_DIR } = process.env;
  if (!PG_BIN || !PG_DIR)
    throw new Error(
      'PG_BIN and PG_DIR are not set (run through scripts/chaos.sh)',
    );
  execFileSync(
    'runuser',
    [
      '-u',
      'postgres',
      '--',
      `${PG_BIN}/pg_ctl`,
      '-D',
      `${PG_DIR}/data`,
      '-m',
      'immediate',
      '-w',
      '-s',
      'restart',
    ],
    { stdio: 'ignore' },
  );
}

/**
 * PostgreSQL restarted while a promotion awaits its merge: both replicas reconnect, the
 * promotion finishes once (one row, one PR, a whole event log), a promotion requested right
 * after the restart goes through, and live events still cross replicas.
 */
export async function postgresRestarted(ctx: ChaosContext): Promise<Figures> {
  const { a, b } = ctx;
  const token = await a.guestToken();
  const first = nextVersion();
  expectEqual('webhook answer', (await webhook(a, first)).status, 201);
  await until(
    `${first} awaiting merge`,
    async () =>
      (await rowsFor(a, token, first)).find(r => r.state === 'awaiting-merge'),
    60_000,
    250,
  );
  const t = Date.now();
  restartPostgres();
  const restartMs = Date.now() - t;
  const firstRow = await mergeAndDeploy(ctx, b, token, first);
  // A new request after the restart, watched by a live client of the other replica.
  const second = nextVersion();
  let seenAt = 0;
  let id: string | undefined;
  const stop = listen(b, token, (event, data) => {
    if (event === 'promotion-changed' && id && data.id === id && !seenAt)
      seenAt = Date.now();
  });
  await new Promise(r => setTimeout(r, 500));
  const sent = Date.now();
  const answer = await until(
    'a webhook accepted after the restart',
    async () => {
      const r = await webhook(a, second);
      return r.status === 201 ? r : undefined;
    },
    60_000,
    500,
  );
  id = answer.id;
  const secondRow = await mergeAndDeploy(ctx, a, token, second);
  stop();
  for (const [version, row] of [
    [first, firstRow],
    [second, secondRow],
  ] as const)
    await checkFinished(ctx, token, version, row.id);
  return {
    restartMs,
    crossReplicaEventMsAfterRestart: seenAt ? seenAt - sent : 'not seen',
    rows: 2,
    pullRequests: 2,
  };
}
