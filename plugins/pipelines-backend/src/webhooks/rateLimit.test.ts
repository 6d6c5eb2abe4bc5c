import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { ConfigReader } from '@backstage/config';
import express from 'express';
import request from 'supertest';
import {
  deliveryStore,
  event,
  fakes,
  sign,
  start,
} from '../__testUtils__/webhookHarness';
import { createWebhookRouter } from '../service/createWebhookRouter';
import { readWebhookRateLimit } from './rateLimit';

/*
 * Issue 22 §2: "31 unsigned junk POSTs made the pipeline's next validly signed event answer
 * 429, from any source address." Refusals count per client; signed events never do.
 */

/**
 * The webhook router in an Express app whose `trust proxy` is what Backstage's root router
 * sets from `backend.trustProxy`, with Backstage's error middleware.
 */
async function behindProxy(trustProxy: boolean | string, pipelines: object) {
  const f = fakes();
  const { deliveries } = await deliveryStore();
  const config = new ConfigReader({ pipelines });
  const app = express();
  app.set('trust proxy', trustProxy);
  app.use(
    createWebhookRouter({
      cache: f.cache as any,
      engine: f.engine as any,
      store: f.store,
      deliveries,
      logger: f.logger,
      defaultCluster: 'management',
      config,
    }),
  );
  app.use(MiddlewareFactory.create({ config, logger: f.logger }).error());
  const post = (path: string, body: string, headers: object = {}) =>
    request(app)
      .post(path)
      .set({ 'Content-Type': 'application/json', ...headers })
      .send(body);
  return { post, ...f };
}

describe('webhook rate limits', () => {
  it('31 unsigned junk POSTs (and their siblings) do not make the next signed event 429', async () => {
    const { post, engine } = await start();
    const junk: Array<[string, string, string | undefined]> = [
      ['/promotion/flux-system/signed/dev', 'junk', undefined],
      ['/promotion/flux-system/signed/dev', event(), 'sha256=00'],
      ['/promotion/flux-system/nope/dev', event(), undefined],
      ['/promotion/flux-system/signed/qa', event(), sign(event())],
      ['/promotion/flux-system/unsigned/dev', event(), undefined],
      ['/promotion/BAD_NS/signed/dev', event(), undefined],
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const [path, body, signature] = junk[i % junk.length];
      statuses.push((await post(path, body, signature)).status);
    }
    // the flooder's own refusals are limited: 30 per 10 s from one address
    expect(statuses.slice(0, 30).every(s => s === 401 || s === 400)).toBe(true);
    expect(statuses[30]).toBe(429);
    // from the same address, Flux's signed events still pass
    for (const env of ['dev', 'test']) {
      const body = event({
        namespace: env === 'dev' ? 'app-dev' : 'app-test',
      });
      const res = await post(
        `/promotion/flux-system/signed/${env}`,
        body,
        sign(body),
      );
      expect(res.status).toBe(201);
    }
    expect(engine.requestNext).toHaveBeenCalledTimes(2);
  });

  it('answers a flooder 429 with Retry-After and the RateLimit headers, with no stack', async () => {
    const { post } = await start({
      webhooks: { rateLimit: { requests: 3, windowSeconds: 60 } },
    });
    const answers = [];
    for (let i = 0; i < 5; i++)
      answers.push(await post('/promotion/flux-system/nope/dev', event()));
    expect(answers.map(r => r.status)).toEqual([401, 401, 401, 429, 429]);
    const limited = answers[4];
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.headers.ratelimit).toMatch(/limit=3/);
    expect(limited.body.error).toEqual({
      name: 'TooManyRequestsError',
      message:
        'Too many refused promotion webhook requests from this address: at most 3 per 60 s; retry after the Retry-After delay',
    });
  });

  it('counts per client address as Express sees it with trust proxy, and ignores X-Forwarded-For without', async () => {
    const limits = { rateLimit: { requests: 2, windowSeconds: 60 } };
    const trusted = await behindProxy(true, { webhooks: limits });
    const from = (ip: string) => ({ 'X-Forwarded-For': ip });
    const junk = (ip: string) =>
      trusted.post('/promotion/flux-system/nope/dev', event(), from(ip));
    expect((await junk('203.0.113.7')).status).toBe(401);
    expect((await junk('203.0.113.7')).status).toBe(401);
    expect((await junk('203.0.113.7')).status).toBe(429);
    // another client is not affected
    expect((await junk('198.51.100.1')).status).toBe(401);
    // an IPv6 client counts per /56: another address of its network is the same client
    expect((await junk('2001:db8:0:1::1')).status).toBe(401);
    expect((await junk('2001:db8:0:1::2')).status).toBe(401);
    expect((await junk('2001:db8:0:1::3')).status).toBe(429);

    // without trust proxy, a spoofed X-Forwarded-For is not another client
    const direct = await behindProxy(false, { webhooks: limits });
    const statuses = [];
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3'])
      statuses.push(
        (
          await direct.post(
            '/promotion/flux-system/nope/dev',
            event(),
            from(ip),
          )
        ).status,
      );
    expect(statuses).toEqual([401, 401, 429]);
  });

  it('bounds the signed events of one pipeline, not of the others', async () => {
    const { post, engine } = await start({
      webhooks: { rateLimit: { signedRequests: 3, windowSeconds: 60 } },
    });
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const body = event({ revision: `1.0.${i}` });
      statuses.push(
        (await post('/promotion/flux-system/signed/dev', body, sign(body)))
          .status,
      );
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    const other = event();
    expect(
      (
        await post(
          '/promotion/flux-system/env-override/dev',
          other,
          sign(other),
        )
      ).status,
    ).toBe(201);
    expect(engine.requestNext).toHaveBeenCalledTimes(4);
  });

  it('reads the limits with their defaults and refuses bad values naming the key', () => {
    expect(readWebhookRateLimit()).toEqual({
      requests: 30,
      signedRequests: 300,
      windowSeconds: 10,
    });
    const bad = (rateLimit: object) => () =>
      readWebhookRateLimit(
        new ConfigReader({ pipelines: { webhooks: { rateLimit } } }),
      );
    expect(bad({ requests: 0 })).toThrow(
      'pipelines.webhooks.rateLimit.requests must be a positive integer, got 0',
    );
    expect(bad({ signedRequests: 1.5 })).toThrow(
      /rateLimit.signedRequests must be a positive integer/,
    );
    expect(bad({ windowSeconds: 0 })).toThrow(/windowSeconds must be positive/);
  });
});
