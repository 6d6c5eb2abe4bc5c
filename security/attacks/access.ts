import {
  answered,
  Attack,
  call,
  eventually,
  Identity,
  isRefusal,
  ledger,
  pipelinePath,
  SecurityContext,
} from '../context';
import { ENTITIES } from '../fixtures';
import { sleep } from '../../harness/backendProcess';

/*
 * Signed-in users acting on a pipeline of another team (sec-gated, owned by podinfo-owners:
 * reviewer and approver): reads, decisions with an entity the attacker names, cancels.
 */

const GATED = pipelinePath('sec-gated');

/** The waiting promotion into sec-gated's prod: the level trigger's, else one the guest requests. */
export async function prepareGated(ctx: SecurityContext): Promise<void> {
  const waiting = async () =>
    (await ledger(ctx, 'sec-gated')).find(
      r => r.toEnvironment === 'prod' && r.state === 'waiting-approval',
    );
  let row = await eventually(waiting, 20_000);
  if (!row) {
    await call(ctx, 'POST', `${GATED}/promotions`, {
      as: 'guest',
      json: { environment: 'prod', version: '1.2.0' },
    });
    row = await eventually(waiting, 10_000);
  }
  if (!row) throw new Error('no waiting promotion into sec-gated prod');
  ctx.gatedRow = row;
  ctx.log(
    `sec-gated: ${row.id} ${row.version} waiting, requested by ${row.requestedBy}`,
  );
}

const rowId = (ctx: SecurityContext) => {
  if (!ctx.gatedRow)
    throw new Error('suite: no waiting sec-gated row (set-up failed)');
  return ctx.gatedRow.id as string;
};

/** A read of the victim's data: refused when 403/404, or when the answer has none of it. */
const READS: Array<
  [string, string, (ctx: SecurityContext) => [string, string, object?]]
> = [
  ['detail', 'GET the pipeline detail', () => ['GET', GATED]],
  ['ledger', 'GET the promotion history', () => ['GET', `${GATED}/promotions`]],
  [
    'promotion',
    'GET one promotion with its timeline',
    ctx => ['GET', `/api/pipelines/v1/promotions/${rowId(ctx)}`],
  ],
  [
    'metrics',
    'GET the delivery metrics',
    () => ['GET', `${GATED}/metrics?window=30d`],
  ],
  [
    'preview',
    'POST the preview (the change a promotion would make)',
    () => [
      'POST',
      `${GATED}/promotions/preview`,
      { environment: 'prod', version: '1.2.0' },
    ],
  ],
  [
    'list',
    'GET /v1/pipelines (the list)',
    () => ['GET', '/api/pipelines/v1/pipelines'],
  ],
  [
    'via-claiming-entity',
    'GET the pipelines of the entity the attacker registered (it claims sec-gated)',
    () => [
      'GET',
      '/api/pipelines/v1/entity/component/default/sec-claim/pipelines',
    ],
  ],
];

const readAttacks = READS.map(
  ([id, tried, request]): Attack => ({
    id: `read-${id}`,
    tried: `outsider (not an owner): ${tried} of sec-gated`,
    run: async ctx => {
      const [method, path, json] = request(ctx);
      const a = await call(ctx, method, path, { as: 'outsider', json });
      // The entity route names the refs of the entity's own annotation: only a found entry shows data.
      const shows =
        a.status < 300 &&
        (id === 'via-claiming-entity'
          ? (a.body?.items ?? []).some((e: any) => e.state === 'found')
          : a.text.includes('sec-gated') || a.text.includes(rowId(ctx)));
      return {
        refused:
          (isRefusal(a) && a.status !== 400) || (a.status < 300 && !shows),
        happened: shows
          ? `${a.status}, the answer shows sec-gated's data`
          : answered(a),
      };
    },
  }),
);

/** Reads the `/v1/events` stream as `as` while `during` runs; the text received. */
async function stream(ctx: SecurityContext, as: Identity, ms: number) {
  const controller = new AbortController();
  const res = await fetch(`${ctx.backend.url}/api/pipelines/v1/events`, {
    headers: {
      Authorization: `Bearer ${ctx.tokens[as]}`,
      Accept: 'text/event-stream',
    },
    signal: controller.signal,
  });
  let text = '';
  const reader = res.body?.getReader();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    for (;;) {
      const { value, done } = (await reader?.read()) ?? { done: true };
      if (done) break;
      text += Buffer.from(value!).toString('utf8');
    }
  } catch {
    // aborted: the time is up
  } finally {
    clearTimeout(timer);
  }
  return { status: res.status, text };
}

const sseAttack: Attack = {
  id: 'read-event-stream',
  tried:
    "outsider listens on /v1/events while an owner approves sec-gated's promotion",
  run: async ctx => {
    const outsider = stream(ctx, 'outsider', 5_000);
    const owner = stream(ctx, 'approver', 5_000);
    await sleep(1_000);
    const approve = await call(
      ctx,
      'POST',
      `/api/pipelines/v1/promotions/${rowId(ctx)}/approve`,
      {
        as: 'reviewer',
        json: { reason: 'looks good' },
      },
    );
    const [o, w] = await Promise.all([outsider, owner]);
    const sees = (t: string) =>
      t.includes('sec-gated') || t.includes(rowId(ctx));
    if (!sees(w.text))
      return {
        refused: false,
        happened: `suite: the owner's stream saw no change either (approve ${answered(
          approve,
        )})`,
      };
    return {
      refused: o.status >= 400 || !sees(o.text),
      happened: `${o.status}; outsider ${
        sees(o.text) ? 'RECEIVED' : 'did not receive'
      } sec-gated's change (owner did)`,
    };
  },
};

const decisionAttacks: Attack[] = [
  {
    id: 'approve-with-claiming-entityref',
    tried: `outsider approves sec-gated's prod promotion naming ${ENTITIES.claim} (their own entity claiming it)`,
    run: ctx =>
      decision(ctx, 'outsider', 'approve', {
        entityRef: ENTITIES.claim,
        reason: 'mine',
      }),
  },
  {
    id: 'approve-non-owner',
    tried: "outsider approves sec-gated's prod promotion",
    run: ctx => decision(ctx, 'outsider', 'approve', { reason: 'ok' }),
  },
];

/** A decision or cancel by someone who may not: refused when 403 and the row is unchanged. */
async function decision(
  ctx: SecurityContext,
  as: Identity,
  action: string,
  json: object,
) {
  const before = (await ledger(ctx, 'sec-gated')).find(
    r => r.id === rowId(ctx),
  );
  const a = await call(
    ctx,
    'POST',
    `/api/pipelines/v1/promotions/${rowId(ctx)}/${action}`,
    { as, json },
  );
  const after = (await ledger(ctx, 'sec-gated')).find(r => r.id === rowId(ctx));
  const unchanged =
    after?.state === before?.state &&
    after?.approvals?.length === before?.approvals?.length;
  return {
    refused: isRefusal(a) && unchanged,
    happened: `${answered(a)}; row ${before?.state} (${
      before?.approvals?.length ?? 0
    } approvals) → ${after?.state} (${after?.approvals?.length ?? 0})`,
  };
}

const cancelAttacks: Attack[] = [
  {
    id: 'cancel-approved-non-owner',
    tried:
      'outsider cancels the approved (1 of 2) prod promotion, with a reason',
    run: ctx => decision(ctx, 'outsider', 'cancel', { reason: 'because' }),
  },
  ...(['', '   '] as const).map(
    (reason, i): Attack => ({
      id: `cancel-${i === 0 ? 'without' : 'blank'}-reason`,
      tried: `an owner cancels with ${
        i === 0 ? 'no reason' : 'a blank reason'
      }`,
      run: async ctx => {
        const a = await call(
          ctx,
          'POST',
          `/api/pipelines/v1/promotions/${rowId(ctx)}/cancel`,
          {
            as: 'reviewer',
            json: i === 0 ? {} : { reason },
          },
        );
        const row = (await ledger(ctx, 'sec-gated')).find(
          r => r.id === rowId(ctx),
        );
        return {
          refused: a.status === 400 && row?.state === 'waiting-approval',
          happened: `${answered(a)}; row ${row?.state}`,
        };
      },
    }),
  ),
  {
    id: 'level-trigger-after-cancel',
    tried:
      'after an owner cancels (with a reason), the level trigger re-requests the version',
    run: async ctx => {
      const a = await call(
        ctx,
        'POST',
        `/api/pipelines/v1/promotions/${rowId(ctx)}/cancel`,
        {
          as: 'reviewer',
          json: { reason: 'not this week' },
        },
      );
      if (a.status !== 200)
        return {
          refused: false,
          happened: `suite: the owner's cancel answered ${answered(a)}`,
        };
      const version = ctx.gatedRow.version;
      const count = async () =>
        (await ledger(ctx, 'sec-gated')).filter(
          r => r.toEnvironment === 'prod' && r.version === version,
        ).length;
      const start = await count();
      let most = start;
      for (let i = 0; i < 10; i++) {
        await sleep(2_000);
        most = Math.max(most, await count());
      }
      return {
        refused: most === start,
        happened: `cancelled (200); rows of ${version} into prod over 20 s: ${start} → ${most}`,
      };
    },
  },
];

/** In order: reads, decisions, the SSE check (which approves), cancels. */
export const accessAttacks: Attack[] = [
  ...readAttacks,
  ...decisionAttacks,
  sseAttack,
  ...cancelAttacks,
];
