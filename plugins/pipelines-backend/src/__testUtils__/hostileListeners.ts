import http from 'http';
import type { AddressInfo } from 'net';

/** A request a listener received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

/** A 127.0.0.1 listener that records every request it gets. */
export interface Listener {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  received: ReceivedRequest[];
  stop(): Promise<void>;
}

async function listen(
  answer: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<Listener> {
  const received: ReceivedRequest[] = [];
  const sockets = new Set<import('net').Socket>();
  const server = http.createServer((req, res) => {
    received.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
    });
    req.resume();
    answer(req, res);
  });
  server.on('connection', s => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    stop: () =>
      new Promise<void>(r => {
        sockets.forEach(s => s.destroy());
        server.close(() => r());
      }),
  };
}

/** Answers every request 404 after recording it: where a hostile author wants credentials sent. */
export function startRecorder(): Promise<Listener> {
  return listen((_req, res) => {
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end('{"message":"Not Found"}');
  });
}

/** Answers every request with `status` (302 by default) to the same path on `target`. */
export function startRedirector(target: string, status = 302) {
  return listen((req, res) => {
    res.writeHead(status, { Location: `${target}${req.url}` });
    res.end();
  });
}

/**
 * Answers 200 and then sends one byte every `intervalMs`, forever: fast enough for a stall
 * timeout never to fire, so only an overall timeout ends the request.
 */
export function startTrickler(intervalMs = 300) {
  return listen((_req, res) => {
    res.writeHead(200, {
      'Content-Type': 'application/x-git-upload-pack-advertisement',
    });
    const timer = setInterval(() => res.write('0'), intervalMs);
    res.on('close', () => clearInterval(timer));
  });
}

/** The received requests that carried any credential header. */
export function withCredentials(requests: ReceivedRequest[]) {
  return requests.filter(
    r => r.headers.authorization || r.headers['private-token'],
  );
}
