import {
  approvalBody,
  event,
  fakes,
  sign,
  start,
} from '../__testUtils__/webhookHarness';
import { approvalWebhookActor } from './createWebhookRouter';

/*
 * The webhook router on Backstage's real HTTP stack (router, auth policies, error handler),
 * with a fake cache, engine and ledger: what the router decides, fast. The same inputs against
 * the real plugin and the sandbox are in webhooks.test.ts.
 */

describe('the promotion webhook', () => {
  it('promotes a ready event about the app in the path environment, with the version kept whole', async () => {
    const { post, engine } = await start();
    const sha256 = `sha256:${'ab'.repeat(32)}`;
    const res = await post(
      '/promotion/flux-system/unsigned/dev',
      event({ revision: `6.1.0@${sha256}` }),
    );
    expect(res.status).toBe(201);
    expect(engine.requestNext).toHaveBeenLastCalledWith(
      { cluster: 'management', namespace: 'flux-system', name: 'unsigned' },
      'dev',
      '6.1.0',
      'webhook:flux-system/unsigned',
    );
    // helm-controller v2, chart from an OCIRepository: digest as build metadata
    await post(
      '/promotion/flux-system/unsigned/test',
      event({
        revision: '6.2.0+abababababab',
        namespace: 'app-test-2',
        metadata: { 'oci-digest': sha256 },
      }),
    );
    expect(engine.requestNext).toHaveBeenLastCalledWith(
      expect.anything(),
      'test',
      '6.2.0',
      expect.anything(),
    );
    // Kustomization: the Git revision as it is; two commits are two versions
    for (const commit of ['aaaa', 'bbbb']) {
      const k = event({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        name: 'apps',
        reason: 'ReconciliationSucceeded',
        revision: `main@sha1:${commit}`,
      });
      expect(
        (await post('/promotion/flux-system/kustomize/dev', k)).status,
      ).toBe(201);
      expect(engine.requestNext).toHaveBeenLastCalledWith(
        expect.anything(),
        'dev',
        `main@sha1:${commit}`,
        expect.anything(),
      );
    }
  });

  it('answers 503 with Retry-After, not 404 or 401, while a starting backend has not listed Pipelines and Secrets', async () => {
    const f = fakes();
    const { post, engine } = await start({}, f);
    f.cache.starting = true;
    const unknown = await post(
      '/promotion/flux-system/not-listed-yet/dev',
      event(),
    );
    expect(unknown.status).toBe(503);
    expect(unknown.headers['retry-after']).toBe('5');
    expect(unknown.body.error).toEqual({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(/starting.*retry in a few seconds/),
    });
    const body = event({ namespace: 'app-dev' });
    expect(
      (await post('/promotion/flux-system/no-key/dev', body, sign(body)))
        .status,
    ).toBe(503);
    expect(engine.requestNext).not.toHaveBeenCalled();
    f.cache.starting = false;
    expect(
      (await post('/promotion/flux-system/not-listed-yet/dev', event())).status,
    ).toBe(404);
  });

  it('ignores events that do not mean ready (2xx, nothing requested)', async () => {
    const { post, engine } = await start();
    for (const [reason, severity] of [
      ['UpgradeFailed', 'error'],
      ['RollbackSucceeded', 'info'],
      ['TestFailed', 'error'],
      ['UninstallSucceeded', 'info'],
      ['UpgradeSucceeded', 'error'],
    ]) {
      const res = await post(
        '/promotion/flux-system/unsigned/dev',
        event({ reason, severity, revision: '6.2.0' }),
      );
      expect(res.status).toBe(200);
      expect(res.body.ignored).toContain(
        `reason "${reason}", severity "${severity}"`,
      );
    }
    expect(engine.requestNext).not.toHaveBeenCalled();
  });

  it('answers 422 naming the mismatch for an event about another app or environment', async () => {
    const { post, engine } = await start();
    const cases: Array<[string, string, RegExp]> = [
      [
        'dev',
        event({
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
        }),
        /kind is "Kustomization", not "HelmRelease"/,
      ],
      ['dev', event({ name: 'frontend' }), /name is "frontend", not "podinfo"/],
      [
        'test',
        event({ namespace: 'app-dev' }),
        /namespace is "app-dev", not a target namespace of environment "test" \(app-test, app-test-2\)/,
      ],
      [
        'dev',
        JSON.stringify({
          metadata: { revision: '1.0.0' },
          reason: 'UpgradeSucceeded',
        }),
        /the event has no involvedObject/,
      ],
    ];
    for (const [env, body, message] of cases) {
      const res = await post(`/promotion/flux-system/unsigned/${env}`, body);
      expect(res.status).toBe(422);
      expect(res.body.error).toEqual({
        name: 'UnprocessableEntityError',
        message: expect.stringMatching(message),
      });
    }
    expect(engine.requestNext).not.toHaveBeenCalled();
  });

  it('needs the signature when the pipeline or the environment names a Secret, and replays to another environment get 422', async () => {
    const { post, engine } = await start();
    const body = event({ namespace: 'app-dev' });
    expect((await post('/promotion/flux-system/signed/dev', body)).status).toBe(
      401,
    );
    expect(
      (
        await post(
          '/promotion/flux-system/signed/dev',
          body,
          sign(body, 'wrong'),
        )
      ).status,
    ).toBe(401);
    expect(
      (await post('/promotion/flux-system/no-key/dev', body, sign(body)))
        .status,
    ).toBe(401);
    expect(
      (
        await post(
          '/promotion/flux-system/env-override/test',
          event({ namespace: 'app-test' }),
        )
      ).status,
    ).toBe(401);
    expect(engine.requestNext).not.toHaveBeenCalled();
    expect(
      (await post('/promotion/flux-system/signed/dev', body, sign(body)))
        .status,
    ).toBe(201);
    const replay = await post(
      '/promotion/flux-system/signed/test',
      body,
      sign(body),
    );
    expect(replay.status).toBe(422);
    expect(engine.requestNext).toHaveBeenCalledTimes(1);
  });

  it('warns once per pipeline that its webhook is unsigned', async () => {
    const { post, warnings } = await start();
    await post('/promotion/flux-system/unsigned/dev', event());
    await post(
      '/promotion/flux-system/unsigned/dev',
      event({ revision: '6.1.1' }),
    );
    await post('/promotion/flux-system/other/dev', event());
    const unsigned = warnings.filter(w =>
      /promotion webhook of pipeline .* is not signed/.test(w),
    );
    expect(unsigned).toEqual([
      expect.stringContaining('flux-system/unsigned'),
      expect.stringContaining('flux-system/other'),
    ]);
  });
});

describe('the approval webhook', () => {
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

  it('is off unless pipelines.webhooks.approval is true, whatever the request', async () => {
    const f = fakes();
    waiting(f);
    const { post, engine } = await start({}, f);
    const body = approvalBody();
    const res = await post(
      '/approval/flux-system/signed/test/6.1.0',
      body,
      sign(body),
    );
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(
      'The approval webhook is off: an operator turns it on with pipelines.webhooks.approval: true',
    );
    expect(engine.decide).not.toHaveBeenCalled();
  });

  it('when on: refuses an unsigned approval, a pipeline without hmac-key, a replay on another path or a stale one; approves once as the webhook', async () => {
    const f = fakes();
    const record = waiting(f);
    waiting(f, 'unsigned');
    const { post, engine } = await start({ webhooks: { approval: true } }, f);

    // no secretRef: never, not even with a body and a "signature"
    const noSecret = await post(
      '/approval/flux-system/unsigned/test/6.1.0',
      '',
    );
    expect(noSecret.status).toBe(403);
    expect(noSecret.body.error.message).toMatch(
      /needs a secretRef to a Secret with hmac-key/,
    );
    const noKeyBody = approvalBody({ name: 'no-key' });
    expect(
      (
        await post(
          '/approval/flux-system/no-key/test/6.1.0',
          noKeyBody,
          sign(noKeyBody),
        )
      ).status,
    ).toBe(403);

    expect(
      (await post('/approval/flux-system/signed/test/6.1.0', '')).status,
    ).toBe(401);
    const body = approvalBody({ reason: 'looks good' });
    expect(
      (await post('/approval/flux-system/signed/test/6.1.0', body)).status,
    ).toBe(401);
    expect(
      (
        await post(
          '/approval/flux-system/signed/test/6.1.0',
          body,
          sign(body, 'wrong'),
        )
      ).status,
    ).toBe(401);
    // pipeline-controller signed an empty body: a constant, valid for every path
    expect(
      (await post('/approval/flux-system/signed/test/6.1.0', '', sign('')))
        .status,
    ).toBe(400);
    const other = approvalBody({ revision: '6.0.0' });
    const replay = await post(
      '/approval/flux-system/signed/test/6.1.0',
      other,
      sign(other),
    );
    expect(replay.status).toBe(422);
    expect(replay.body.error.message).toBe(
      'The signed approval is for another promotion than the path\'s: revision "6.0.0" ≠ "6.1.0"',
    );
    const stale = approvalBody({
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect(
      (
        await post(
          '/approval/flux-system/signed/test/6.1.0',
          stale,
          sign(stale),
        )
      ).status,
    ).toBe(401);
    expect(engine.decide).not.toHaveBeenCalled();

    const ok = await post(
      '/approval/flux-system/signed/test/6.1.0',
      body,
      sign(body),
    );
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
    const second = await post(
      '/approval/flux-system/signed/test/6.1.0',
      again,
      sign(again),
    );
    expect(second.status).toBe(409);
    expect(engine.decide).toHaveBeenCalledTimes(1);

    const none = approvalBody({ revision: '9.9.9' });
    expect(
      (await post('/approval/flux-system/signed/test/9.9.9', none, sign(none)))
        .status,
    ).toBe(404);
  });
});

describe('rate limits and error bodies', () => {
  it('answers 429 with Retry-After past the per-pipeline limit; other pipelines and paths are not affected', async () => {
    const { post } = await start({
      webhooks: {
        approval: true,
        rateLimit: { requests: 5, windowSeconds: 60 },
      },
    });
    const statuses = [];
    for (let i = 0; i < 7; i++)
      statuses.push(
        (
          await post(
            '/promotion/flux-system/unsigned/dev',
            event({ revision: `1.0.${i}` }),
          )
        ).status,
      );
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429]);
    const limited = await post(
      '/promotion/flux-system/unsigned/test',
      event({ namespace: 'app-test' }),
    );
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.body.error).toEqual({
      name: 'TooManyRequestsError',
      message:
        'Too many promotion webhook requests for pipeline flux-system/unsigned: at most 5 per 60 s; retry after the Retry-After delay',
    });
    expect(
      (await post('/promotion/flux-system/other/dev', event())).status,
    ).toBe(201);
    const body = approvalBody();
    expect(
      (await post('/approval/flux-system/signed/test/6.1.0', body, sign(body)))
        .status,
    ).toBe(404);
    // an unknown pipeline is limited too, before anything is looked up
    const unknown = [];
    for (let i = 0; i < 6; i++)
      unknown.push(
        (await post('/promotion/flux-system/nope/dev', event())).status,
      );
    expect(unknown).toEqual([404, 404, 404, 404, 404, 429]);
  });

  it('never sends a stack trace or a server path, even in development mode; internal errors get a log id', async () => {
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development'; // Backstage's error handler then adds stacks
    try {
      const f = fakes();
      f.engine.requestNext.mockRejectedValueOnce(
        new Error(
          "ENOENT: no such file or directory, open '/srv/backstage/secrets/db.json'",
        ),
      );
      const { post, errors } = await start({}, f);
      const internal = await post(
        '/promotion/flux-system/unsigned/dev',
        event(),
      );
      expect(internal.status).toBe(500);
      expect(internal.body.error).toEqual({
        name: 'Error',
        message: expect.stringMatching(
          /^An internal error occurred \(logId=[0-9a-f]{16}\)$/,
        ),
      });
      expect(JSON.stringify(internal.body)).not.toMatch(/srv|ENOENT|\.ts|\.js/);
      expect(errors).toEqual([
        expect.stringMatching(/^Webhook request failed \(logId=/),
      ]);
      const responses = [
        internal,
        await post('/promotion/flux-system/unsigned/dev', event({ name: 'x' })),
        await post('/promotion/flux-system/unsigned/dev', 'not json'),
        await post('/promotion/flux-system/signed/dev', event()),
        await post('/promotion/flux-system/nope/dev', event()),
        await post('/promotion/Flux_System/x/dev', event()),
        await post(
          '/promotion/flux-system/unsigned/dev',
          JSON.stringify({
            metadata: { revision: '1' },
            message: 'x'.repeat(70 * 1024),
          }),
        ),
        await post('/approval/flux-system/signed/test/1.0.0', ''),
      ];
      expect(responses.map(r => r.status)).toEqual([
        500, 422, 400, 401, 404, 400, 413, 404,
      ]);
      for (const r of responses) {
        expect(r.body.error.stack).toBeUndefined();
        expect(JSON.stringify(r.body)).not.toMatch(
          /\/(work|srv|home|usr)\/|node_modules|\.ts:\d/,
        );
      }
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  });
});
