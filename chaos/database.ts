import { execFileSync } from 'child_process';
import { until } from './replica';
import { ChaosContext, checkEventLog, Figures, listen, mergeAndDeploy, nextVersion, promotion, pullRequestsFor, rowsFor, webhook } from './scenarios';

/** Restarts the throwaway PostgreSQL of scripts/chaos.sh (`PG_BIN`, `PG_DIR`) the hard way: every connection is cut. */
function restartPostgres() {
  const { PG_BIN, PG_DIR } = process.env;
  if (!PG_BIN || !PG_DIR) throw new Error('PG_BIN and PG_DIR are not set (run through scripts/chaos.sh)');
  execFileSync('runuser', ['-u', 'postgres', '--', `${PG_BIN}/pg_ctl`, '-D', `${PG_DIR}/data`, '-m', 'immediate', '-w', '-s', 'restart'], { stdio: 'ignore' });
}

/**
 * PostgreSQL restarted while a promotion awaits its merge: both replicas reconnect, the
 * promotion finishes once (one row, one PR, a whole event log), a promotion requested right
 * after the restart goes through, and live events still cross replicas.
 */
export async function postgresRestarted(ctx: ChaosContext): Promise<Figures> {
  const { a, b, sandbox } = ctx;
  const token = await a.guestToken();
  const first = nextVersion();
  expectCreated(await webhook(a, first));
  await until(`${first} awaiting merge`, async () => (await rowsFor(a, token, first)).find(r => r.state === 'awaiting-merge'), 60_000, 250);
  const t = Date.now();
  restartPostgres();
  const restartMs = Date.now() - t;
  await mergeAndDeploy(ctx, b, token, first);
  // A new request after the restart, watched by a live client of the other replica.
  const second = nextVersion();
  let seenAt = 0;
  let id: string | undefined;
  const stop = listen(b, token, (event, data) => {
    if (event === 'promotion-changed' && id && data.id === id && !seenAt) seenAt = Date.now();
  });
  await new Promise(r => setTimeout(r, 500));
  const sent = Date.now();
  const answer = await until('a webhook accepted after the restart', async () => {
    const r = await webhook(a, second);
    return r.status === 201 ? r : undefined;
  }, 60_000, 500);
  id = answer.id;
  await mergeAndDeploy(ctx, a, token, second);
  stop();
  for (const version of [first, second]) {
    const rows = await rowsFor(a, token, version);
    if (rows.length !== 1) throw new Error(`${rows.length} rows for ${version}`);
    if ((await pullRequestsFor(sandbox, version)).length !== 1) throw new Error(`not one PR for ${version}`);
    const problem = checkEventLog((await promotion(a, token, rows[0].id)).events);
    if (problem) throw new Error(`event log of ${version}: ${problem}`);
  }
  return { restartMs, crossReplicaEventMsAfterRestart: seenAt ? seenAt - sent : 'not seen', rows: 2, pullRequests: 2 };
}

function expectCreated(r: { status: number }) {
  if (r.status !== 201) throw new Error(`webhook answered ${r.status}`);
}
