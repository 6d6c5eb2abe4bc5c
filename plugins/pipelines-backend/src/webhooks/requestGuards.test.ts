import http from 'http';
import type { AddressInfo } from 'net';
import { event, sign, start } from '../__testUtils__/webhookHarness';
import { isJsonContentType } from './requestGuards';

/*
 * Issue 22 §2: `Content-Type: text/plain` with a foreign `Origin` (what a web page can make an
 * employee's browser send, a CORS "simple request") answered 201 and deployed to prod. Every
 * simple-request type, and every browser request, is refused before anything else.
 */

/** A POST with exactly these headers (supertest would add a Content-Type to a string body). */
function rawPost(
  server: http.Server,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: any }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', headers },
      res => {
        let text = '';
        res.on('data', c => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const SIMPLE_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/json',
  'application/jsonp',
  'application/json-patch',
];

describe('webhook request guards', () => {
  it('refuses the simple-request content types and none with 415, signed or not, known pipeline or not, before the rate limit', async () => {
    const { server, engine } = await start({
      webhooks: { rateLimit: { requests: 1 } },
    });
    const body = event();
    for (const path of [
      '/api/pipelines/promotion/flux-system/signed/dev',
      '/api/pipelines/promotion/flux-system/nope/dev',
      '/api/pipelines/approval/flux-system/signed/test/6.1.0',
    ]) {
      for (const type of [...SIMPLE_TYPES, undefined]) {
        const headers: Record<string, string> = {
          'X-Signature': sign(body),
          'Content-Length': String(Buffer.byteLength(body)),
          ...(type ? { 'Content-Type': type } : {}),
        };
        const origins: Array<Record<string, string>> = [
          { Origin: 'https://evil.example' },
          {},
        ];
        for (const origin of origins) {
          const res = await rawPost(server, path, body, {
            ...headers,
            ...origin,
          });
          expect({ path, type, status: res.status }).toEqual({
            path,
            type,
            status: 415,
          });
          expect(res.body.error).toEqual({
            name: 'UnsupportedMediaTypeError',
            message:
              'The webhooks accept JSON only: send Content-Type: application/json',
          });
        }
      }
    }
    expect(engine.requestNext).not.toHaveBeenCalled();
  });

  it('refuses a JSON request a browser made (Origin or Sec-Fetch-Site) with 403, even signed; Node fetch Sec-Fetch-Mode passes', async () => {
    const { send, engine } = await start();
    const browser: Array<Record<string, string>> = [
      { Origin: 'https://evil.example' },
      { Origin: 'http://localhost:3000' }, // the portal's own origin, which CORS allows
      { Origin: 'null' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-origin' },
      { 'Sec-Fetch-Site': 'none', 'Sec-Fetch-Mode': 'navigate' },
    ];
    for (const headers of browser) {
      const body = event();
      const res = await send('/promotion/flux-system/signed/dev', body, {
        ...headers,
        'X-Signature': sign(body),
      });
      expect({ headers, status: res.status }).toEqual({ headers, status: 403 });
      expect(res.body.error.message).toMatch(
        /do not accept requests from web browsers/,
      );
    }
    expect(engine.requestNext).not.toHaveBeenCalled();
    // what Node's fetch (undici) sends: Sec-Fetch-Mode: cors, no Origin, no Sec-Fetch-Site
    const body = event();
    const node = await send('/promotion/flux-system/signed/dev', body, {
      'Sec-Fetch-Mode': 'cors',
      'X-Signature': sign(body),
    });
    expect(node.status).toBe(201);
  });

  it('takes application/json and application/*+json, with parameters and in any case', async () => {
    const { send, engine } = await start();
    const types = [
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON;charset=UTF-8',
      'application/cloudevents+json',
      'application/vnd.flux.event+json; charset=utf-8',
    ];
    for (const [i, type] of types.entries()) {
      const body = event({ revision: `6.1.${i}` });
      const res = await send('/promotion/flux-system/signed/dev', body, {
        'Content-Type': type,
        'X-Signature': sign(body),
      });
      expect({ type, status: res.status }).toEqual({ type, status: 201 });
    }
    expect(engine.requestNext).toHaveBeenCalledTimes(types.length);
  });

  it('isJsonContentType reads the media type only', () => {
    expect(isJsonContentType(undefined)).toBe(false);
    expect(isJsonContentType('')).toBe(false);
    expect(isJsonContentType('json')).toBe(false);
    expect(isJsonContentType('application/+json')).toBe(false);
    expect(isJsonContentType('text/plain; x=application/json')).toBe(false);
    expect(isJsonContentType(' application/problem+json ')).toBe(true);
  });
});
