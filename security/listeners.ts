import http from 'http';
import type { AddressInfo } from 'net';

/** One request a hostile listener received. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A plain-HTTP listener on 127.0.0.1 that records every request (method, path, headers, body)
 * and answers `404 {}` — the attacker's end of a URL a Pipeline author points the backend at.
 * `redirectTo` makes it answer every request with a 302 to that base URL (same path) instead:
 * credentials must never follow it.
 */
export class HostileListener {
  readonly requests: RecordedRequest[] = [];
  private server?: http.Server;

  constructor(
    readonly name: string,
    private readonly redirectTo?: () => string,
  ) {}

  /** The listener's base URL, `http://127.0.0.1:<port>`. */
  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error(`${this.name} is not listening`);
    return `http://127.0.0.1:${address.port}`;
  }

  /** `127.0.0.1:<port>`, as a host allow-list names it. */
  get host(): string {
    return new URL(this.url).host;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => {
        // Bounded: the suite only needs to see whether a secret arrived.
        if (chunks.reduce((n, b) => n + b.length, 0) < 1 << 20) chunks.push(c);
      });
      req.on('end', () => {
        this.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        if (this.redirectTo) {
          res.writeHead(302, { Location: `${this.redirectTo()}${req.url}` });
          res.end();
          return;
        }
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end('{}');
      });
    });
    // A client told to use this listener as its HTTP proxy sends CONNECT: record it, then hang up.
    this.server.on('connect', (req, socket) => {
      this.requests.push({
        method: 'CONNECT',
        url: req.url ?? '',
        headers: req.headers,
        body: '',
      });
      socket.destroy();
    });
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
  }

  /** Requests whose path starts with `prefix` (each attack uses its own path). */
  received(prefix: string): RecordedRequest[] {
    return this.requests.filter(r => r.url.startsWith(prefix));
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise(resolve => this.server!.close(resolve));
  }
}

/**
 * Which of `secrets` appear anywhere in the requests (headers, path or body), also base64-encoded
 * as `user:password` in a Basic header; names them by label, never by value.
 */
export function leakedSecrets(
  requests: RecordedRequest[],
  secrets: Record<string, string>,
): string[] {
  const haystack = requests
    .map(r => `${r.url}\n${JSON.stringify(r.headers)}\n${r.body}`)
    .join('\n');
  const decoded = requests
    .flatMap(r => {
      const auth = String(r.headers.authorization ?? '');
      const basic = /^Basic\s+(\S+)/i.exec(auth);
      return basic ? [Buffer.from(basic[1], 'base64').toString('utf8')] : [];
    })
    .join('\n');
  return Object.entries(secrets)
    .filter(
      ([, value]) =>
        value && (haystack.includes(value) || decoded.includes(value)),
    )
    .map(([label]) => label);
}

/** The requests that carried any credential header (Authorization, Private-Token, cookies). */
export function withCredentials(requests: RecordedRequest[]) {
  return requests.filter(
    r =>
      r.headers.authorization ||
      r.headers['private-token'] ||
      r.headers['proxy-authorization'] ||
      r.headers.cookie,
  );
}

/**
 * A compromised forge: a reverse proxy to the sandbox forge (git and REST APIs pass through)
 * that replaces every `html_url` / `web_url` / `href` string in JSON answers with `hostileUrl`.
 * The portal must keep forge-supplied URLs only when they are http(s) on the repository's host.
 */
export class RewritingForge {
  private server?: http.Server;

  constructor(
    readonly name: string,
    private readonly upstream: () => string,
    readonly hostileUrl: string,
  ) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error(`${this.name} is not listening`);
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const target = new URL(req.url ?? '/', this.upstream());
      const headers = { ...req.headers, host: target.host };
      delete headers['accept-encoding'];
      const up = http.request(
        target,
        { method: req.method, headers },
        upRes => {
          const type = String(upRes.headers['content-type'] ?? '');
          if (!type.includes('json')) {
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            upRes.pipe(res);
            return;
          }
          const chunks: Buffer[] = [];
          upRes.on('data', (c: Buffer) => chunks.push(c));
          upRes.on('end', () => {
            const body = Buffer.concat(chunks)
              .toString('utf8')
              .replace(
                /"(html_url|web_url|href)":"[^"]*"/g,
                (_, key) => `"${key}":${JSON.stringify(this.hostileUrl)}`,
              );
            const out = { ...upRes.headers };
            delete out['content-length'];
            delete out.etag;
            res.writeHead(upRes.statusCode ?? 502, out);
            res.end(body);
          });
        },
      );
      up.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(up);
    });
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise(resolve => this.server!.close(resolve));
  }
}
