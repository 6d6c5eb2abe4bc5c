import { createHmac } from 'crypto';
import {
  event,
  KEY,
  OTHER_KEY,
  sign,
  start,
} from '../__testUtils__/webhookHarness';
import { WEBHOOK_UNAUTHORIZED_MESSAGE } from './errors';

/*
 * Issue 22 §2: only signed events promote, and unauthenticated callers cannot tell pipelines,
 * environments, apps or namespaces apart. Through the real router on Backstage's HTTP stack.
 */

const hmac = (alg: string, body: string, key = KEY) =>
  createHmac(alg, key).update(body).digest('hex');

const GENERIC = {
  name: 'AuthenticationError',
  message: WEBHOOK_UNAUTHORIZED_MESSAGE,
};

describe('webhook authentication', () => {
  it('refuses every signature variant but the right one with the same 401', async () => {
    const { post, engine } = await start();
    const body = event();
    const path = '/promotion/flux-system/signed/dev';
    const hex = hmac('sha256', body);
    const variants: Record<string, string | undefined> = {
      missing: undefined,
      empty: '',
      'no algorithm': hex,
      'wrong algorithm (sha1)': `sha1=${hmac('sha1', body)}`,
      'unknown algorithm': `md5=${hex}`,
      'sha512 label on a sha256 digest': `sha512=${hex}`,
      'too short': `sha256=${hex.slice(0, 62)}`,
      'too long': `sha256=${hex}00`,
      'not hex': `sha256=${'z'.repeat(64)}`,
      'another pipeline key': sign(body, OTHER_KEY),
      'the approval key': sign(body, 'the-approval-hmac-key'),
      'another body': sign(`${body} `),
      'two signatures': `${sign(body)}, ${sign(body)}`,
    };
    for (const [what, signature] of Object.entries(variants)) {
      const res = await post(path, body, signature);
      expect({ what, status: res.status, error: res.body.error }).toEqual({
        what,
        status: 401,
        error: GENERIC,
      });
    }
    expect(engine.requestNext).not.toHaveBeenCalled();
    // what Flux sends (lowercase hex), uppercase hex, and sha512: each a new event
    const accepted: Array<(b: string) => string> = [
      b => sign(b),
      b => `sha256=${hmac('sha256', b).toUpperCase()}`,
      b => `sha512=${hmac('sha512', b)}`,
    ];
    for (const [i, signature] of accepted.entries()) {
      const fresh = event({ revision: `6.1.${i}` });
      expect((await post(path, fresh, signature(fresh))).status).toBe(201);
    }
  });

  it('answers no such pipeline, no such environment, the last environment, no key and a bad signature alike, before the body is read', async () => {
    const { send, post, engine, infos } = await start();
    const cases: Array<[string, string, string]> = [
      ['no such pipeline', '/promotion/flux-system/nope/dev', event()],
      ['no such namespace', '/promotion/elsewhere/signed/dev', event()],
      ['no such environment', '/promotion/flux-system/signed/qa', event()],
      ['the last environment', '/promotion/flux-system/signed/prod', event()],
      ['no secretRef', '/promotion/flux-system/unsigned/dev', event()],
      [
        'a Secret without hmac-key',
        '/promotion/flux-system/no-key/dev',
        event(),
      ],
      ['a bad signature', '/promotion/flux-system/signed/dev', event()],
      [
        'an app mismatch',
        '/promotion/flux-system/signed/dev',
        event({ name: 'x' }),
      ],
      ['not JSON', '/promotion/flux-system/signed/dev', 'not json'],
      ['not JSON, unknown', '/promotion/flux-system/nope/dev', '{'],
    ];
    const answers = new Set<string>();
    for (const [what, path, body] of cases) {
      // signed with a key: the right one for nothing here
      const res = await send(path, body, {
        'X-Signature': sign(body, 'guess'),
      });
      expect({ what, status: res.status }).toEqual({ what, status: 401 });
      answers.add(JSON.stringify(res.body.error));
      const unsigned = await post(path, body);
      answers.add(JSON.stringify(unsigned.body.error));
    }
    expect([...answers]).toEqual([JSON.stringify(GENERIC)]);
    expect(engine.requestNext).not.toHaveBeenCalled();
    // the reasons are in the log (at most one line per pipeline every 10 s)
    const log = infos.join('\n');
    expect(log).toMatch(/flux-system\/nope\/dev refused: no such Pipeline/);
    expect(log).toMatch(/signed\/qa refused: no such environment/);
    expect(log).not.toMatch(/the-hmac-key|guess/);
  });

  it('a pipeline without secretRef is refused by default and its detail says why', async () => {
    const { post, infos } = await start();
    const res = await post('/promotion/flux-system/unsigned/dev', event());
    expect(res.status).toBe(401);
    expect(infos).toContainEqual(
      expect.stringContaining(
        'Webhooks for "dev" are refused: the promotion strategy into "test" has no secretRef to a Secret with hmac-key',
      ),
    );
    const noKey = await post('/promotion/flux-system/no-key/dev', event());
    expect(noKey.status).toBe(401);
    expect(infos).toContainEqual(
      expect.stringContaining(
        'Secret flux-system/empty (the promotion strategy into "test") has no hmac-key',
      ),
    );
  });

  it("takes the key by the promotion plan's rule: an environment's own promotion replaces the pipeline's", async () => {
    const { post, engine } = await start();
    // dev → test: test has no promotion of its own, the pipeline's names Secret hmac
    const dev = event();
    expect(
      (await post('/promotion/flux-system/env-override/dev', dev, sign(dev)))
        .status,
    ).toBe(201);
    // test → prod: prod's own promotion (manual, no secretRef) applies, as in the plan
    const test = event({ namespace: 'app-test' });
    expect(
      (await post('/promotion/flux-system/env-override/test', test, sign(test)))
        .status,
    ).toBe(401);
    // a pipeline signs with its own Secret, not another's
    const other = event();
    expect(
      (await post('/promotion/flux-system/signed-2/dev', other, sign(other)))
        .status,
    ).toBe(401);
    expect(
      (
        await post(
          '/promotion/flux-system/signed-2/dev',
          other,
          sign(other, OTHER_KEY),
        )
      ).status,
    ).toBe(201);
    expect(engine.requestNext).toHaveBeenCalledTimes(2);
  });

  it('takes about the same time for an unknown pipeline as for a bad signature', async () => {
    const { post } = await start({
      webhooks: { rateLimit: { requests: 1000 } },
    });
    const body = JSON.stringify({ message: 'x'.repeat(60 * 1024) });
    const time = async (path: string) => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < 40; i++) await post(path, body, sign(body, 'x'));
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    await time('/promotion/flux-system/signed/dev'); // warm up
    const known = await time('/promotion/flux-system/signed/dev');
    const unknown = await time('/promotion/flux-system/nope/dev');
    expect(unknown / known).toBeGreaterThan(0.33);
    expect(unknown / known).toBeLessThan(3);
  });
});
