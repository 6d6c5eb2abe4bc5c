import {
  answered,
  Attack,
  call,
  ledger,
  pipelinePath,
  SecurityContext,
  sign,
} from '../context';
import { helmEvent } from '../fixtures';

/*
 * Hostile versions at every entrance: a user's request (API), a signed Flux event (webhook).
 * Each must be refused with 400 before anything is recorded.
 */

const VERSIONS: Array<[string, string]> = [
  ['newline', '1.0.0\n'],
  ['newline-inside', '1.0.0\nSigned-off-by: mallory'],
  ['leading-dash', '-rf'],
  ['option-like', '--upload-pack=touch /tmp/x'],
  ['zero-width-space', '1.0.0\u200b'],
  ['bidi-override', '1.0.0\u202e'],
  ['full-width-digits', '\uff11.\uff10.\uff10'],
  ['cyrillic-look-alike', '1.0.0-\u0430lpha'],
  ['nul-byte', '1.0.0\u0000'],
  ['path-traversal', '../../etc/passwd'],
  ['markdown-link', '1.0.0](javascript:alert(1))'],
  ['too-long', `1.0.0-${'a'.repeat(300)}`],
];

/** One version through the API: refused when 400 and no row for it. */
async function viaApi(ctx: SecurityContext, version: string) {
  const a = await call(
    ctx,
    'POST',
    `${pipelinePath('sec-signed')}/promotions`,
    {
      as: 'outsider',
      json: { environment: 'test', version },
    },
  );
  const rows = (await ledger(ctx, 'sec-signed')).filter(
    r => r.version === version,
  );
  return {
    refused: a.status === 400 && rows.length === 0,
    happened: `${answered(a)}${
      rows.length ? `, ${rows.length} row(s) recorded` : ''
    }`,
  };
}

/** The same through a validly signed webhook event whose revision is the version: no row at all. */
async function viaWebhook(ctx: SecurityContext, version: string) {
  const body = helmEvent('dev', version);
  const before = (await ledger(ctx, 'sec-signed')).length;
  const a = await call(
    ctx,
    'POST',
    '/api/pipelines/promotion/flux-system/sec-signed/dev',
    {
      body,
      headers: {
        'Content-Type': 'application/json',
        'X-Signature': sign(body, ctx.keys.promotion),
      },
    },
  );
  const rows = (await ledger(ctx, 'sec-signed')).length - before;
  return {
    refused: a.status === 400 && rows === 0,
    happened: `${answered(a)}${a.text ? '' : ' (empty body)'}${
      rows ? `, ${rows} row(s) recorded` : ''
    }`,
  };
}

const show = (v: string) =>
  JSON.stringify(v.length > 30 ? `${v.slice(0, 27)}…` : v);

export const versionAttacks: Attack[] = [
  ...VERSIONS.map(
    ([id, v]): Attack => ({
      id: `version-api-${id}`,
      tried: `request a promotion of version ${show(v)}`,
      run: ctx => viaApi(ctx, v),
    }),
  ),
  ...VERSIONS.filter(([id]) =>
    [
      'newline',
      'leading-dash',
      'zero-width-space',
      'full-width-digits',
    ].includes(id),
  ).map(
    ([id, v]): Attack => ({
      id: `version-webhook-${id}`,
      // A newer version than any environment runs: whatever survives the check would promote.
      tried: `signed Flux event with revision ${show(
        v.replace('1.0.0', '1.3.0'),
      )}`,
      run: ctx => viaWebhook(ctx, v.replace('1.0.0', '1.3.0')),
    }),
  ),
];
