import { createHash } from 'crypto';
import http from 'http';

/** The JSON body of a request; `{}` for GETs and empty bodies. */
export async function readJson(req: http.IncomingMessage): Promise<any> {
  if (req.method === 'GET') return {};
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length
    ? JSON.parse(Buffer.concat(chunks).toString('utf8'))
    : {};
}

/** A weak entity tag over a response body, as GitHub sends them: `W/"<sha256>"`. */
export function weakEtag(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('hex')}"`;
}

/** Whether an `If-None-Match` header matches the entity tag (weak comparison, lists and `*`). */
export function etagMatches(
  ifNoneMatch: string | string[] | undefined,
  etag: string,
): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const tags = String(ifNoneMatch).split(',').map(opaque);
  return tags.includes('*') || tags.includes(opaque(etag));
}

/** A route: method, path pattern (its groups are passed on) and handler. */
export type Route<C> = [
  method: string,
  pattern: RegExp,
  handler: (c: C, ...params: string[]) => unknown,
];

/** Runs the first route that matches; false when none does. */
export async function dispatch<C>(
  routes: Route<C>[],
  method: string | undefined,
  path: string,
  c: C,
): Promise<boolean> {
  for (const [m, pattern, handler] of routes) {
    const match = m === method ? pattern.exec(path) : null;
    if (match) {
      await handler(c, ...match.slice(1));
      return true;
    }
  }
  return false;
}

/** The pull request a path parameter numbers, if there is one. */
export function findPull<P extends { number: number }>(
  pulls: P[],
  number: string,
): P | undefined {
  return pulls.find(p => p.number === Number(number));
}

/** Names from a list or a comma-separated string (GitLab's `labels`), trimmed and without blanks. */
export function names(value: unknown): string[] {
  const list = Array.isArray(value) ? value : String(value ?? '').split(',');
  return list
    .map(v => String(typeof v === 'object' && v ? (v as any).name : v).trim())
    .filter(Boolean);
}
