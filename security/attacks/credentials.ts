import {
  answered,
  applyManagement,
  Attack,
  call,
  eventually,
  Identity,
  ledger,
  pipelinePath,
  SecurityContext,
} from '../context';
import { ENTITIES, pipeline, pullRequest } from '../fixtures';
import { leakedSecrets, withCredentials } from '../listeners';

/*
 * A Pipeline author points the pull-request strategy, with the forge bot's Secret, at a
 * listener of theirs (directly, or through a redirect from another one). The credentials
 * must go only to the forge they belong to.
 */

type Variant = {
  id: string;
  type: 'github' | 'gitlab' | 'bitbucket-server';
  via: 'recorder' | 'redirector';
  action: 'preview' | 'promote';
  as: Identity;
};

const VARIANTS: Variant[] = [
  {
    id: 'preview-github',
    type: 'github',
    via: 'recorder',
    action: 'preview',
    as: 'outsider',
  },
  {
    id: 'preview-gitlab',
    type: 'gitlab',
    via: 'recorder',
    action: 'preview',
    as: 'outsider',
  },
  {
    id: 'promote-github',
    type: 'github',
    via: 'recorder',
    action: 'promote',
    as: 'outsider',
  },
  {
    id: 'promote-gitlab',
    type: 'gitlab',
    via: 'recorder',
    action: 'promote',
    as: 'outsider',
  },
  {
    id: 'promote-bitbucket',
    type: 'bitbucket-server',
    via: 'recorder',
    action: 'promote',
    as: 'outsider',
  },
  {
    id: 'redirect-preview',
    type: 'github',
    via: 'redirector',
    action: 'preview',
    as: 'outsider',
  },
  {
    id: 'redirect-promote',
    type: 'github',
    via: 'redirector',
    action: 'promote',
    as: 'outsider',
  },
];

const name = (v: Variant) => `sec-leak-${v.id}`;
/** The repository's owner in the URL: a plain `owner/repo` path, distinct per attack. */
const prefix = (v: Variant) => `/leak-${v.id}/`;

/** The author's Pipelines, applied once before the backend starts. */
export async function applyCredentialAttacks(ctx: SecurityContext) {
  await applyManagement(
    ctx,
    VARIANTS.map(v =>
      pipeline(name(v), {
        entity: ENTITIES.guestApp,
        strategy: pullRequest(
          v.type,
          `${ctx[v.via].url}${prefix(v)}my-app-repo`,
        ),
      }),
    ),
  );
}

export const credentialAttacks: Attack[] = VARIANTS.map(
  (v): Attack => ({
    id: `forge-${v.id}`,
    tried: `${v.type} pull-request url ${
      v.via === 'redirector'
        ? 'on a listener answering 302 to another'
        : 'http://127.0.0.1:<listener>'
    } + secretRef github-credentials; ${v.action} as ${v.as}`,
    run: async ctx => {
      const path = `${pipelinePath(name(v))}/promotions${
        v.action === 'preview' ? '/preview' : ''
      }`;
      const a = await call(ctx, 'POST', path, {
        as: v.as,
        json: { environment: 'test', version: '1.2.0' },
      });
      // A request the backend accepted runs in the background: until it ended (≤ 8 s).
      let outcome = '';
      if (a.status < 300 && a.body?.id) {
        const row = await eventually(async () => {
          const r = (await ledger(ctx, name(v))).find(x => x.id === a.body.id);
          return r && !['queued', 'running'].includes(r.state) && r;
        }, 8_000);
        outcome = row
          ? `, row ${row.state}${
              row.error ? ` "${String(row.error).slice(0, 70)}"` : ''
            }`
          : ', row still running after 8 s';
      }
      const requests = [
        ...ctx.recorder.received(prefix(v)),
        ...ctx.redirector.received(prefix(v)),
      ];
      const forge = ctx.sandbox.forgeUser!;
      const leaked = leakedSecrets(requests, {
        password: forge.password,
        token: forge.token,
      });
      const credentialed = withCredentials(requests);
      return {
        refused: leaked.length === 0 && credentialed.length === 0,
        happened: `${answered(a)}${outcome}; listener got ${
          requests.length
        } request(s)${
          leaked.length ? `, LEAKED the bot's ${leaked.join(' and ')}` : ''
        }${
          credentialed.length ? `, ${credentialed.length} with credentials` : ''
        }`,
      };
    },
  }),
);
