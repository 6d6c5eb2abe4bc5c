import {
  APPROVAL_KEY,
  approvalBody,
  fakes,
  KEY,
  OTHER_KEY,
  sign,
  start,
} from '../__testUtils__/webhookHarness';
import { WEBHOOK_UNAUTHORIZED_MESSAGE } from '../webhooks/errors';
import { approvalWebhookActor } from './createWebhookRouter';

/*
 * The approval webhook on Backstage's real HTTP stack with a fake cache, engine and ledger.
 * Issue 22 §2: it is signed with its own key, `approval-hmac-key`, never the promotion key.
 */

const waiting = (
  f: ReturnType<typeof fakes>,
  name = 'signed',
  version = '6.1.0',
) => {
  const record = {
    id: `${name}-prod-${version}`,
    requestedBy: `webhook:flux-system/${name}`,
    approvals: [] as any[],
  };
  f.records.set(`${name}:prod:${version}`, record);
  f.records.set(record.id, record);
  return record;
};
const approve = (body: string) => sign(body, APPROVAL_KEY);
const ON = { webhooks: { approval: true } };

describe('the approval webhook', () => {
  it('is off unless pipelines.webhooks.approval is true, whatever the request', async () => {
    const f = fakes();
    waiting(f);
    const { post, engine } = await start({}, f);
    const body = approvalBody();
    const res = await post(
      '/approval/flux-system/signed/test/6.1.0',
      body,
      approve(body),
    );
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(
      'The approval webhook is off: an operator turns it on with pipelines.webhooks.approval: true',
    );
    expect(engine.decide).not.toHaveBeenCalled();
  });

  it('is signed with approval-hmac-key only: the promotion key, another pipeline key or none get the generic 401', async () => {
    const f = fakes();
    waiting(f);
    waiting(f, 'unsigned');
    waiting(f, 'signed-2');
    const { post, engine, infos } = await start(ON, f);
    const body = approvalBody({ reason: 'looks good' });
    const cases: Array<[string, string, string | undefined]> = [
      ['/approval/flux-system/signed/test/6.1.0', body, undefined],
      ['/approval/flux-system/signed/test/6.1.0', body, sign(body, KEY)],
      ['/approval/flux-system/signed/test/6.1.0', body, sign(body, OTHER_KEY)],
      ['/approval/flux-system/signed/test/6.1.0', body, approve(`${body} `)],
      ['/approval/flux-system/signed/test/6.1.0', '', undefined],
      // no secretRef: never, not even with a body and a "signature"
      ['/approval/flux-system/unsigned/test/6.1.0', body, approve(body)],
      ['/approval/flux-system/no-key/test/6.1.0', body, approve(body)],
      // a Secret with hmac-key but no approval-hmac-key
      [
        '/approval/flux-system/signed-2/test/6.1.0',
        body,
        sign(body, OTHER_KEY),
      ],
      ['/approval/flux-system/nope/test/6.1.0', body, approve(body)],
      ['/approval/flux-system/signed/prod/6.1.0', body, approve(body)],
    ];
    for (const [path, text, signature] of cases) {
      const res = await post(path, text, signature);
      expect({ path, signature, status: res.status }).toEqual({
        path,
        signature,
        status: 401,
      });
      expect(res.body.error.message).toBe(WEBHOOK_UNAUTHORIZED_MESSAGE);
    }
    expect(engine.decide).not.toHaveBeenCalled();
    expect(infos.join('\n')).toMatch(
      /Secret flux-system\/hmac-2 .* has no approval-hmac-key/,
    );
  });

  it('once signed: refuses an empty body, a replay for another path or a stale one; approves once as the webhook', async () => {
    const f = fakes();
    const record = waiting(f);
    const { post, engine } = await start(ON, f);
    const url = '/approval/flux-system/signed/test/6.1.0';
    // pipeline-controller signed an empty body: a constant, valid for every path
    expect((await post(url, '', approve(''))).status).toBe(400);
    const other = approvalBody({ revision: '6.0.0' });
    const replay = await post(url, other, approve(other));
    expect(replay.status).toBe(422);
    expect(replay.body.error.message).toBe(
      'The signed approval is for another promotion than the path\'s: revision "6.0.0" ≠ "6.1.0"',
    );
    const stale = approvalBody({
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect((await post(url, stale, approve(stale))).status).toBe(401);
    expect(engine.decide).not.toHaveBeenCalled();

    const body = approvalBody({ reason: 'looks good' });
    const ok = await post(url, body, approve(body));
    expect(ok.status).toBe(200);
    expect(engine.decide).toHaveBeenCalledWith(
      record.id,
      'approved',
      'webhook-approval:flux-system/signed',
      'looks good',
    );
    expect(
      approvalWebhookActor({ namespace: 'flux-system', name: 'signed' }),
    ).toBe('webhook-approval:flux-system/signed');

    // it counts as one approver, however often it is called
    const again = approvalBody();
    expect((await post(url, again, approve(again))).status).toBe(409);
    expect(engine.decide).toHaveBeenCalledTimes(1);

    const none = approvalBody({ revision: '9.9.9' });
    expect(
      (
        await post(
          '/approval/flux-system/signed/test/9.9.9',
          none,
          approve(none),
        )
      ).status,
    ).toBe(404);
  });
});
