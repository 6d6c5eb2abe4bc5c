import { event, fakes, sign, start } from '../__testUtils__/webhookHarness';
import { WEBHOOK_UNAUTHORIZED_MESSAGE } from '../webhooks/errors';

/*
 * The promotion webhook on Backstage's real HTTP stack (router, auth policies, error handler),
 * with a fake cache and engine and the deliveries on a real SQLite database: what the router
 * decides once a request is authentic. Authentication, content types and rate limits are in
 * ../webhooks/*.test.ts; the same inputs against the real plugin and the sandbox in
 * webhooks.test.ts.
 */

const UNSIGNED = { webhooks: { requireSignature: false } };

describe('the promotion webhook', () => {
  it('promotes a signed ready event about the app in the path environment, with the version kept whole', async () => {
    const { post, engine } = await start();
    const sha256 = `sha256:${'ab'.repeat(32)}`;
    const body = event({ revision: `6.1.0@${sha256}` });
    const res = await post(
      '/promotion/flux-system/signed/dev',
      body,
      sign(body),
    );
    expect(res.status).toBe(201);
    expect(engine.requestNext).toHaveBeenLastCalledWith(
      { cluster: 'management', namespace: 'flux-system', name: 'signed' },
      'dev',
      '6.1.0',
      'webhook:flux-system/signed',
    );
    // helm-controller v2, chart from an OCIRepository: digest as build metadata
    const oci = event({
      revision: '6.2.0+abababababab',
      namespace: 'app-test-2',
      metadata: { 'oci-digest': sha256 },
    });
    await post('/promotion/flux-system/signed/test', oci, sign(oci));
    expect(engine.requestNext).toHaveBeenLastCalledWith(
      expect.anything(),
      'test',
      '6.2.0',
      expect.anything(),
    );
  });

  it('answers 503 with Retry-After, the same for any name, while a starting backend has not listed Pipelines and Secrets', async () => {
    const f = fakes();
    const { post, engine } = await start({}, f);
    f.cache.starting = true;
    for (const name of ['not-listed-yet', 'signed', 'no-key']) {
      const body = event({ namespace: 'app-dev' });
      const res = await post(
        `/promotion/flux-system/${name}/dev`,
        body,
        sign(body),
      );
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body.error).toEqual({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(/starting.*retry in a few seconds/),
      });
    }
    expect(engine.requestNext).not.toHaveBeenCalled();
    f.cache.starting = false;
    const late = await post(
      '/promotion/flux-system/not-listed-yet/dev',
      event(),
    );
    expect(late.status).toBe(401);
  });

  it('ignores signed events that do not mean ready (2xx, nothing requested)', async () => {
    const { post, engine } = await start();
    for (const [reason, severity] of [
      ['UpgradeFailed', 'error'],
      ['RollbackSucceeded', 'info'],
      ['TestFailed', 'error'],
      ['UninstallSucceeded', 'info'],
      ['UpgradeSucceeded', 'error'],
    ]) {
      const body = event({ reason, severity, revision: '6.2.0' });
      const res = await post(
        '/promotion/flux-system/signed/dev',
        body,
        sign(body),
      );
      expect(res.status).toBe(200);
      expect(res.body.ignored).toContain(
        `reason "${reason}", severity "${severity}"`,
      );
    }
    expect(engine.requestNext).not.toHaveBeenCalled();
  });

  it('answers a signed event about another app or environment 422 naming the mismatch (the sender holds the key)', async () => {
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
      const res = await post(
        `/promotion/flux-system/signed/${env}`,
        body,
        sign(body),
      );
      expect(res.status).toBe(422);
      expect(res.body.error).toEqual({
        name: 'UnprocessableEntityError',
        message: expect.stringMatching(message),
      });
    }
    expect(engine.requestNext).not.toHaveBeenCalled();
  });

  it('acts on a delivery once: the same signed bytes again answer 200 already delivered, across routers on one database', async () => {
    const first = await start();
    const body = event({ revision: '6.3.0' });
    const path = '/promotion/flux-system/signed/dev';
    expect((await first.post(path, body, sign(body))).status).toBe(201);
    // the same bytes, the same path spelled another way: one delivery
    for (const url of [path, '/promotion/flux-system/signed/dev/']) {
      const replay = await first.post(url, body, sign(body));
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual({ ignored: 'already delivered' });
    }
    expect(first.engine.requestNext).toHaveBeenCalledTimes(1);
    // a new event (Flux stamps each with its time) is a new delivery
    const next = event({ revision: '6.3.0', metadata: { token: 'later' } });
    expect((await first.post(path, next, sign(next))).status).toBe(201);
    expect(first.engine.requestNext).toHaveBeenCalledTimes(2);
    const rows = await first.knex('webhook_deliveries').select();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual(
      expect.objectContaining({ namespace: 'flux-system', name: 'signed' }),
    );
    expect(rows.map(r => r.digest)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^[0-9a-f]{64}$/)]),
    );
  });

  it("answers 200 with the engine's reason when it ignores the event (an older version), and remembers the delivery", async () => {
    const f = fakes();
    f.engine.requestNext.mockResolvedValueOnce({
      ignored: 'test runs 6.2.0, newer than 6.0.0',
      created: false,
    } as any);
    const { post, engine } = await start({}, f);
    const body = event({ revision: '6.0.0' });
    const path = '/promotion/flux-system/signed/dev';
    const res = await post(path, body, sign(body));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ignored: 'test runs 6.2.0, newer than 6.0.0' });
    expect((await post(path, body, sign(body))).body).toEqual({
      ignored: 'already delivered',
    });
    expect(engine.requestNext).toHaveBeenCalledTimes(1);
  });

  it('records a delivery only once the engine took it, so that the sender retry after a failure counts', async () => {
    const f = fakes();
    f.engine.requestNext.mockRejectedValueOnce(new Error('database down'));
    const { post, engine, knex } = await start({}, f);
    const body = event({ revision: '6.4.0' });
    const path = '/promotion/flux-system/signed/dev';
    expect((await post(path, body, sign(body))).status).toBe(500);
    expect(await knex('webhook_deliveries').select()).toEqual([]);
    expect((await post(path, body, sign(body))).status).toBe(201);
    expect(engine.requestNext).toHaveBeenCalledTimes(2);
    expect(await knex('webhook_deliveries').select()).toHaveLength(1);
  });

  it('with requireSignature false, takes unsigned events for pipelines without secretRef, warns once, and still answers mismatches generically', async () => {
    const { post, engine, warnings, infos } = await start(UNSIGNED);
    expect(
      (await post('/promotion/flux-system/unsigned/dev', event())).status,
    ).toBe(201);
    await post(
      '/promotion/flux-system/unsigned/dev',
      event({ revision: '6.1.1' }),
    );
    await post('/promotion/flux-system/other/dev', event());
    expect(warnings.filter(w => /accepts unsigned events/.test(w))).toEqual([
      expect.stringContaining('flux-system/unsigned'),
      expect.stringContaining('flux-system/other'),
    ]);
    // an unsigned sender learns nothing about the app or its namespaces
    const mismatch = await post(
      '/promotion/flux-system/unsigned/test',
      event({ namespace: 'app-dev' }),
    );
    expect(mismatch.status).toBe(401);
    expect(mismatch.body.error.message).toBe(WEBHOOK_UNAUTHORIZED_MESSAGE);
    expect(infos.join('\n')).toMatch(
      /unsigned\/test refused: .*namespace is "app-dev"/,
    );
    // a pipeline that names a Secret still needs its signature
    expect(
      (await post('/promotion/flux-system/signed/dev', event())).status,
    ).toBe(401);
    expect(engine.requestNext).toHaveBeenCalledTimes(3);
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
      const signed = (body: string, env = 'dev') =>
        post(`/promotion/flux-system/signed/${env}`, body, sign(body));
      const internal = await signed(event());
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
      const big = JSON.stringify({ message: 'x'.repeat(70 * 1024) });
      const responses = [
        internal,
        await signed(event({ name: 'x' })),
        await signed('not json'),
        await post('/promotion/flux-system/signed/dev', event()),
        await post('/promotion/flux-system/nope/dev', event()),
        await post('/promotion/Flux_System/x/dev', event()),
        await signed(big),
        await post('/approval/flux-system/signed/test/1.0.0', ''),
      ];
      expect(responses.map(r => r.status)).toEqual([
        500, 422, 400, 401, 401, 400, 413, 404,
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
