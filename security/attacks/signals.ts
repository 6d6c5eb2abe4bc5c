import WebSocket from 'ws';
import { sleep } from '../../harness/backendProcess';
import { applyManagement, Attack, SecurityContext } from '../context';
import { baseObjects } from '../fixtures';

/*
 * Backstage signals are broadcast to every signed-in user: the pipelines channel must carry no
 * other team's names (pipeline, namespace, versions), only opaque uids.
 */

/** Everything `as` receives on `channel` for `ms` while `during` runs. */
async function listen(
  ctx: SecurityContext,
  channel: string,
  ms: number,
  during: () => Promise<void>,
): Promise<string[]> {
  const url = `${ctx.backend.url.replace('http', 'ws')}/api/signals`;
  const ws = new WebSocket(url, {
    headers: { Authorization: `Bearer ${ctx.tokens.outsider}` },
  });
  const received: string[] = [];
  ws.on('message', data => received.push(data.toString()));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ action: 'subscribe', channel }));
  await sleep(500);
  await during();
  await sleep(ms);
  ws.close();
  return received;
}

export const signalsAttack: Attack = {
  id: 'signals-other-teams-names',
  tried:
    "outsider subscribes to the pipelines signal channel while sec-gated's Pipeline changes",
  run: async ctx => {
    // A change the detail shows: the quorum of prod (then back to two, for the cancel rows).
    const gated: any = baseObjects(ctx.keys).find(
      (o: any) => o.metadata.name === 'sec-gated',
    );
    const quorum = (n: number) => {
      gated.metadata.annotations[
        'pipelines.weave.works/required-approvals'
      ] = `prod=${n}`;
      return applyManagement(ctx, [gated]);
    };
    const received = await listen(ctx, 'pipelines:events', 3_000, () =>
      quorum(3),
    );
    await quorum(2);
    if (!received.length)
      return {
        refused: false,
        happened: 'suite: no signal arrived within 3 s of the change',
      };
    const named = received.filter(m =>
      /sec-gated|sec-victim|podinfo-owners/.test(m),
    );
    return {
      refused: named.length === 0,
      happened: `${received.length} signal(s), ${
        named.length
          ? `${named.length} NAMING sec-gated`
          : 'none naming sec-gated (uids only)'
      }`,
    };
  },
};
