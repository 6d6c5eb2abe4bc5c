import {
  answered,
  Attack,
  call,
  Identity,
  isRefusal,
  SecurityContext,
} from '../context';

/*
 * The pipelines plugin's actions (what MCP clients call, through Backstage's actions
 * registry) act for the calling user: the same per-pipeline read check applies.
 */

const invoke = (
  ctx: SecurityContext,
  as: Identity,
  action: string,
  input: object,
) =>
  call(
    ctx,
    'POST',
    `/api/pipelines/.backstage/actions/v1/actions/${encodeURIComponent(
      `pipelines:${action}`,
    )}/invoke`,
    { as, json: input },
  );

const GATED = { namespace: 'flux-system', name: 'sec-gated' };

export const actionAttacks: Attack[] = (
  [
    ['get-pipeline', GATED],
    ['list-promotions', { ...GATED, limit: 20 }],
  ] as Array<[string, object]>
).map(
  ([action, input]): Attack => ({
    id: `action-${action}-non-owner`,
    tried: `outsider invokes the action pipelines:${action} (MCP) on sec-gated`,
    run: async ctx => {
      // The owner's call first: the action must exist and answer, or the row proves nothing.
      const owner = await invoke(ctx, 'reviewer', action, input);
      if (owner.status !== 200)
        return {
          refused: false,
          happened: `suite: the owner's call answered ${answered(owner)}`,
        };
      const a = await invoke(ctx, 'outsider', action, input);
      const shows = a.status < 300 && a.text.includes('sec-gated');
      return {
        refused: isRefusal(a) && !shows,
        happened: shows
          ? `${a.status}, sec-gated's data in the output`
          : answered(a),
      };
    },
  }),
);
