import {
  answered,
  Attack,
  call,
  eventually,
  isRefusal,
  ledger,
  SecurityContext,
  sign,
} from '../context';
import { Env, helmEvent, TARGETS } from '../fixtures';
import { setVersion } from './targets';

/*
 * The compatibility webhooks (`/promotion/…`, `/approval/…`) as an anonymous network caller,
 * and as someone who captured one signed event.
 */

const promotionPath = (name: string, env: string, namespace = 'flux-system') =>
  `/api/pipelines/promotion/${namespace}/${name}/${env}`;

function post(
  ctx: SecurityContext,
  path: string,
  body: string,
  headers: Record<string, string> = {},
) {
  return call(ctx, 'POST', path, {
    body,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** Sends an event; refused when the answer is 4xx and the pipeline's ledger did not grow. */
async function refusedWithoutRow(
  ctx: SecurityContext,
  name: string,
  send: () => ReturnType<typeof post>,
): Promise<{ refused: boolean; happened: string }> {
  const before = (await ledger(ctx, name)).length;
  const a = await send();
  const after = (await ledger(ctx, name)).length;
  const rows = after - before;
  return {
    refused: isRefusal(a) && rows === 0,
    happened: `${answered(a)}, ${rows} new ledger row(s)`,
  };
}

/** The first row of `name` into `env` at `version`, waiting up to `ms`. */
const rowOf = (ctx: SecurityContext, name: string, env: Env, version: string) =>
  ledger(ctx, name).then(rows =>
    rows.find(r => r.toEnvironment === env && r.version === version),
  );

const unsignedVariants: Array<[string, string, (b: string) => object]> = [
  ['unsigned-no-secretref', 'sec-unsigned', () => ({})],
  ['unsigned-signed-pipeline', 'sec-signed', () => ({})],
  [
    'signature-wrong-key',
    'sec-signed',
    b => ({ 'X-Signature': sign(b, 'guessed-key') }),
  ],
  [
    'signature-other-body',
    'sec-signed',
    () => ({ 'X-Signature': sign('{}', 'guessed-key') }),
  ],
  ['signature-empty', 'sec-signed', () => ({ 'X-Signature': 'sha256=' })],
];

export const webhookAttacks: Attack[] = [
  ...unsignedVariants.map(
    ([id, name, headers]): Attack => ({
      id: `webhook-${id}`,
      tried: `${id.replace(
        /-/g,
        ' ',
      )}: Flux event to /promotion/flux-system/${name}/dev`,
      run: ctx => {
        const body = helmEvent('dev', '1.2.0');
        return refusedWithoutRow(ctx, name, () =>
          post(ctx, promotionPath(name, 'dev'), body, headers(body) as any),
        );
      },
    }),
  ),
  {
    id: 'webhook-text-plain-foreign-origin',
    tried:
      'a web page\'s "simple" POST: Content-Type text/plain, Origin https://evil.example, unsigned',
    run: ctx =>
      refusedWithoutRow(ctx, 'sec-unsigned', () =>
        post(
          ctx,
          promotionPath('sec-unsigned', 'dev'),
          helmEvent('dev', '1.2.0'),
          {
            'Content-Type': 'text/plain',
            Origin: 'https://evil.example',
          },
        ),
      ),
  },
  {
    id: 'webhook-text-plain-signed',
    tried: 'a correctly signed event sent as text/plain (not JSON)',
    run: ctx => {
      const body = helmEvent('dev', '1.2.0');
      return refusedWithoutRow(ctx, 'sec-signed', () =>
        post(ctx, promotionPath('sec-signed', 'dev'), body, {
          'Content-Type': 'text/plain',
          Origin: 'https://evil.example',
          'X-Signature': sign(body, ctx.keys.promotion),
        }),
      );
    },
  },
  {
    id: 'webhook-errors-indistinguishable',
    tried:
      'unsigned probes: unknown pipeline / unknown environment / other app / other namespace',
    run: async ctx => {
      const probes = [
        post(
          ctx,
          promotionPath('sec-nonexistent', 'dev'),
          helmEvent('dev', '1.2.0'),
        ),
        post(
          ctx,
          promotionPath('sec-signed', 'staging'),
          helmEvent('dev', '1.2.0'),
        ),
        post(
          ctx,
          promotionPath('sec-signed', 'dev'),
          helmEvent('dev', '1.2.0', 'other-app'),
        ),
        post(
          ctx,
          promotionPath('sec-signed', 'dev'),
          helmEvent('dev', '1.2.0').replace(TARGETS.dev.namespace, 'elsewhere'),
        ),
        post(ctx, promotionPath('sec-signed', 'dev', 'nonexistent-ns'), '{}'),
      ];
      const answers = [];
      for (const p of probes) answers.push(await p);
      const shapes = answers.map(
        a => `${a.status} ${a.body?.error?.name} ${a.body?.error?.message}`,
      );
      const distinct = new Set(shapes).size;
      return {
        refused: distinct === 1 && answers.every(isRefusal),
        happened:
          distinct === 1
            ? `all ${answers.length} answered ${answered(answers[0])}`
            : `${distinct} different answers: ${answers
                .map(a => a.status)
                .join(', ')}`,
      };
    },
  },
  {
    id: 'webhook-downgrade',
    tried:
      'validly signed event: dev ready at 1.0.0 while test runs 1.1.0 (promote backwards)',
    run: ctx => {
      const body = helmEvent('dev', '1.0.0');
      return refusedWithoutRow(ctx, 'sec-signed', () =>
        post(ctx, promotionPath('sec-signed', 'dev'), body, {
          'X-Signature': sign(body, ctx.keys.promotion),
        }),
      ).then(async r => {
        const row = await rowOf(ctx, 'sec-signed', 'test', '1.0.0');
        // A 2xx "ignored" is a refusal too, as long as nothing was requested.
        const refused = !row;
        return {
          refused,
          happened: row
            ? `row ${row.id} ${row.state}: ${r.happened}`
            : r.happened,
        };
      });
    },
  },
  {
    id: 'webhook-flood-then-valid',
    tried:
      '31 junk POSTs with bad signatures from one address, then the validly signed event',
    run: async ctx => {
      const path = promotionPath('sec-signed', 'dev');
      const statuses = new Map<number, number>();
      for (let i = 0; i < 31; i++) {
        const a = await post(ctx, path, `{"junk":${i}}`, {
          'X-Signature': sign('x', 'junk'),
        });
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      }
      const body = helmEvent('dev', '1.2.0');
      const valid = await post(ctx, path, body, {
        'X-Signature': sign(body, ctx.keys.promotion),
      });
      ctx.signedEvent = body;
      const junk = [...statuses].map(([s, n]) => `${n}×${s}`).join(' ');
      return {
        refused: valid.status === 201 || valid.status === 200,
        happened: `junk ${junk}; the valid event: ${answered(valid)}`,
      };
    },
  },
  {
    id: 'webhook-replay',
    tried: 'replaying the same signed bytes after its promotion was deployed',
    run: async ctx => {
      const body = ctx.signedEvent ?? helmEvent('dev', '1.2.0');
      const first = await eventually(
        () => rowOf(ctx, 'sec-signed', 'test', '1.2.0'),
        10_000,
      );
      if (!first)
        return {
          refused: false,
          happened: 'suite: the original event made no row (see flood row)',
        };
      await setVersion(ctx, 'test', '1.2.0');
      const ended = await eventually(async () => {
        const r = await rowOf(ctx, 'sec-signed', 'test', '1.2.0');
        return (
          r &&
          ['deployed', 'failed', 'cancelled', 'superseded'].includes(r.state) &&
          r
        );
      }, 30_000);
      const before = (await ledger(ctx, 'sec-signed')).length;
      const a = await post(ctx, promotionPath('sec-signed', 'dev'), body, {
        'X-Signature': sign(body, ctx.keys.promotion),
      });
      const rows = (await ledger(ctx, 'sec-signed')).length - before;
      return {
        refused: rows === 0 && a.status !== 201,
        happened: `first row ${
          ended ? ended.state : 'still active'
        }; replay ${answered(a)}, ${rows} new row(s)`,
      };
    },
  },
  {
    id: 'approval-webhook-promotion-key',
    tried:
      'approval webhook for sec-gated prod signed with the promotion hmac-key',
    run: async ctx => {
      const waiting = await eventually(
        async () =>
          (
            await ledger(ctx, 'sec-gated')
          ).find(r => r.state === 'waiting-approval'),
        5_000,
      );
      const version = waiting?.version ?? '1.2.0';
      const body = JSON.stringify({
        namespace: 'flux-system',
        name: 'sec-gated',
        environment: 'test',
        revision: version,
        timestamp: Math.floor(Date.now() / 1000),
      });
      const a = await post(
        ctx,
        `/api/pipelines/approval/flux-system/sec-gated/test/${version}`,
        body,
        { 'X-Signature': sign(body, ctx.keys.promotion) },
      );
      const after =
        waiting &&
        (await ledger(ctx, 'sec-gated')).find(r => r.id === waiting.id);
      const approvals = after?.approvals?.length ?? 0;
      const before = waiting?.approvals?.length ?? 0;
      return {
        refused: isRefusal(a) && approvals === before,
        happened: `${answered(a)}; approvals ${before} → ${approvals}${
          waiting ? '' : ' (no waiting row)'
        }`,
      };
    },
  },
];
