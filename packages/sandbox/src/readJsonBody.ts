import http from 'http';

/**
 * Reads a request's body as JSON: resolves the parsed value, or answers 400 itself and
 * resolves undefined when the body is not JSON. For the sandbox's small HTTP receivers.
 */
export function readJsonBody<T>(
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<T | undefined> {
  return new Promise(resolve => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        res.writeHead(400).end();
        resolve(undefined);
      }
    });
  });
}
