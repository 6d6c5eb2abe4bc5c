import {
  answered,
  applyManagement,
  Attack,
  call,
  ledger,
  SecurityContext,
  sign,
} from '../context';
import {
  ENTITIES,
  helmEvent,
  pipeline,
  pullRequest,
  START_VERSIONS,
} from '../fixtures';

/*
 * Whoever holds a pipeline's hmac-key (or replays what Flux sent) asks for a downgrade: a
 * validly signed event saying dev is ready at a version older than test runs, on a pipeline
 * whose promotions are pull requests on the forge. No row, and no pull request.
 */

const REPO = 'sec-downgrade-repo';
const NAME = 'sec-downgrade-pr';

/** The repository and the signed pull-request pipeline. */
export async function applyDowngradeAttack(ctx: SecurityContext) {
  const forge = ctx.sandbox.forge!;
  await forge.createRepo('my-org', REPO, {
    'test.yaml': `version: ${START_VERSIONS.test} # {"$promotion": "flux-system:${NAME}:test"}\n`,
  });
  const strategy = {
    ...pullRequest('github', `${forge.url}/my-org/${REPO}`),
    secretRef: { name: 'sec-hmac' },
  };
  await applyManagement(ctx, [
    pipeline(NAME, { entity: ENTITIES.guestApp, strategy }),
  ]);
}

export const downgradeAttack: Attack = {
  id: 'webhook-downgrade-pull-request',
  tried: `validly signed event: dev ready at ${START_VERSIONS.prod}, older than test's ${START_VERSIONS.test} (pull-request strategy)`,
  run: async ctx => {
    const body = helmEvent('dev', START_VERSIONS.prod);
    const before = (await ledger(ctx, NAME)).length;
    const a = await call(
      ctx,
      'POST',
      `/api/pipelines/promotion/flux-system/${NAME}/dev`,
      {
        body,
        headers: {
          'Content-Type': 'application/json',
          'X-Signature': sign(body, ctx.keys.promotion),
        },
      },
    );
    // The signature must have been accepted, or the row proves nothing about downgrades.
    if (a.status === 401)
      return {
        refused: false,
        happened: `suite: the signed event was not accepted (${answered(a)})`,
      };
    const rows = (await ledger(ctx, NAME)).length - before;
    const pulls = ctx.sandbox.forge!.listPulls('my-org', REPO);
    return {
      refused: a.status !== 201 && rows === 0 && pulls.length === 0,
      happened: `${answered(a)}, ${rows} new row(s), ${
        pulls.length
      } pull request(s) on the forge`,
    };
  },
};
