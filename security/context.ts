import { KubernetesObject } from '@kubernetes/client-node';
import { apply, Sandbox } from '@gitops-pipelines/sandbox';
import { createHmac } from 'crypto';
import http from 'http';
import { BackendProcess, sleep } from '../harness/backendProcess';
import { HostileListener, RewritingForge } from './listeners';

/** The demo's sign-in identities the attacks act as (packages/backend/src/modules/demoSignIn.ts). */
export type Identity = 'guest' | 'reviewer' | 'approver' | 'outsider';

/** An HTTP answer, its body parsed when JSON. */
export interface Answer {
  status: number;
  body: any;
  text: string;
}

/** Everything an attack may use: the sandbox, the backend under attack, tokens and listeners. */
export interface SecurityContext {
  sandbox: Sandbox;
  backend: BackendProcess;
  tokens: Record<Identity, string>;
  /** Records every request it receives; answers 404. */
  recorder: HostileListener;
  /** Answers every request with a 302 to the recorder. */
  redirector: HostileListener;
  /** A known forge (in `pipelines.forges.allowedHosts`) answering every request with a 302 to the recorder. */
  knownRedirector: HostileListener;
  /** Known forges in front of the sandbox forge that rewrite the URLs it supplies, by attack key. */
  rewriters: Record<string, RewritingForge>;
  /** Where the suite writes files an attack must never see touched (exec markers). */
  dir: string;
  /** The keys of the suite's Secret `flux-system/sec-hmac`. */
  keys: { promotion: string; approval: string };
  log: (line: string) => void;
  /** State handed from one attack to the next: the flood's valid event (replayed later). */
  signedEvent?: string;
  /** The victim team's waiting promotion into sec-gated's prod (access attacks). */
  gatedRow?: any;
}

/** What an attack reports: whether it was refused, and what happened, in one line. */
export interface Outcome {
  refused: boolean;
  happened: string;
}

/** One row of the suite. */
export interface Attack {
  id: string;
  /** What the attacker tried, in a few words. */
  tried: string;
  run(ctx: SecurityContext): Promise<Outcome>;
}

/**
 * A request to the backend: `as` an identity (a Backstage token), or anonymous. Through
 * node:http, which adds no header of its own (fetch adds `Sec-Fetch-Mode`, as browsers do):
 * the request carries exactly what an attacker's script would send.
 */
export function call(
  ctx: SecurityContext,
  method: string,
  path: string,
  options: {
    as?: Identity;
    json?: unknown;
    body?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) headers.Authorization = `Bearer ${ctx.tokens[options.as]}`;
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] ??= 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${ctx.backend.url}${path}`,
      { method, headers, timeout: 15_000 },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: any;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`${method} ${path}: no answer within 15 s`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `sha256=<hex>`: the HMAC of `body` that notification-controller's generic-hmac Provider sends. */
export const sign = (body: string, key: string) =>
  `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

/** A status and the error message of a Backstage error body, for a row. */
export function answered(a: Answer): string {
  const message = a.body?.error?.message ?? a.body?.ignored;
  return message
    ? `${a.status} "${String(message).slice(0, 90)}"`
    : `${a.status}`;
}

/** A 4xx answer (refused); a 5xx or 2xx is not a refusal. */
export const isRefusal = (a: Answer) => a.status >= 400 && a.status < 500;

/** The pipelines API's path of a pipeline of the management cluster. */
export const pipelinePath = (name: string, namespace = 'flux-system') =>
  `/api/pipelines/v1/pipelines/management/${namespace}/${name}`;

/**
 * Every ledger row of a pipeline as an owner sees it (reviewer for the victim team's
 * sec-gated, outsider — group guests — for the others), newest first; bounded to 100.
 */
export async function ledger(
  ctx: SecurityContext,
  name: string,
  as: Identity = name === 'sec-gated' ? 'reviewer' : 'outsider',
): Promise<any[]> {
  const a = await call(
    ctx,
    'GET',
    `${pipelinePath(name)}/promotions?limit=100`,
    {
      as,
    },
  );
  if (a.status !== 200)
    throw new Error(`ledger of ${name}: ${answered(a)} (as ${as})`);
  return a.body.items;
}

/** Applies objects to the management cluster as its admin (the tenant's writes). */
export const applyManagement = (ctx: SecurityContext, objects: object[]) =>
  apply(ctx.sandbox.clusters.management.admin, objects as KubernetesObject[]);

/** Polls `fn` (bounded by `timeoutMs`) until it returns a value; undefined when it never does. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | false>,
  timeoutMs: number,
  everyMs = 250,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) return undefined;
    await sleep(everyMs);
  }
}
