import { apply, type Sandbox } from '@gitops-pipelines/sandbox';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { createHmac } from 'crypto';
import { listenEvents } from '../bench/sse';
import { Replica, sleep, until } from './replica';

/** What a scenario reports: its figures, printed in the table and kept in chaos.json. */
export type Figures = Record<string, string | number>;

/** Everything a scenario works with: the sandbox, two replicas on one PostgreSQL, a log. */
export interface ChaosContext {
  sandbox: Sandbox;
  a: Replica;
  b: Replica;
  log: (line: string) => void;
}

const PIPELINE = 'management/flux-system/podinfo-02';

/** The Secret (flux-system) whose hmac-key signs the chaos pipelines' webhooks. */
export const CHAOS_HMAC_SECRET = 'chaos-hmac';
const CHAOS_HMAC_KEY = 'chaos-webhook-hmac-key';

/** `X-Signature` for a webhook body, as notification-controller's generic-hmac Provider signs it. */
export const signature = (body: string) =>
  `sha256=${createHmac('sha256', CHAOS_HMAC_KEY).update(body).digest('hex')}`;

/**
 * Only signed events promote (issue 22): the Secret with the key, and the seed's podinfo-02 with
 * a strategy secretRef to it, before the replicas start.
 */
export async function signChaosPipelines(sandbox: Sandbox) {
  const kc = sandbox.clusters.management.admin;
  await apply(kc, [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: CHAOS_HMAC_SECRET, namespace: 'flux-system' },
      stringData: { 'hmac-key': CHAOS_HMAC_KEY },
    } as any,
  ]);
  const client = KubernetesObjectApi.makeApiClient(kc);
  const pipeline: any = await client.read({
    apiVersion: 'pipelines.weave.works/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'podinfo-02', namespace: 'flux-system' },
  });
  pipeline.spec.promotion.strategy.secretRef = { name: CHAOS_HMAC_SECRET };
  await client.replace(pipeline);
}
let minor = 2;
/** A version newer than any before it in this run (dev → test promotions never go backwards). */
export const nextVersion = () => `6.${++minor}.0`;

/** helm-controller's event for dev's podinfo at `version`, as notification-controller forwards it. */
export function devUpgraded(version: string) {
  return JSON.stringify({
    involvedObject: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      name: 'podinfo',
      namespace: 'podinfo-02-dev',
    },
    severity: 'info',
    timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    message: `Helm upgrade succeeded for release podinfo-02-dev/podinfo.v2 with chart podinfo@${version}`,
    reason: 'UpgradeSucceeded',
    metadata: { revision: version },
    reportingController: 'helm-controller',
  });
}

/** POSTs dev's upgrade to a replica's promotion webhook; returns the status and the row id. */
export async function webhook(replica: Replica, version: string) {
  const event = devUpgraded(version);
  const res = await fetch(
    `${replica.url}/api/pipelines/promotion/flux-system/podinfo-02/dev`,
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Signature': signature(event),
      },
      body: event,
    },
  );
  const body = await res.json().catch(() => ({}));
  return {
    status: res.status,
    id: (body.promotion?.id ?? body.id) as string | undefined,
  };
}

/** The ledger rows of podinfo-02 for `version`, read through a replica's API. */
export async function rowsFor(
  replica: Replica,
  token: string,
  version: string,
): Promise<any[]> {
  const res = await fetch(
    `${replica.url}/api/pipelines/v1/pipelines/${PIPELINE}/promotions?limit=100`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  if (!res.ok) throw new Error(`promotions: HTTP ${res.status}`);
  return ((await res.json()).items as any[]).filter(r => r.version === version);
}

export async function promotion(
  replica: Replica,
  token: string,
  id: string,
): Promise<any> {
  const res = await fetch(`${replica.url}/api/pipelines/v1/promotions/${id}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`promotion ${id}: HTTP ${res.status}`);
  return res.json();
}

/** The forge's pull requests (any state) whose title promotes test to `version`. */
export async function pullRequestsFor(
  sandbox: Sandbox,
  version: string,
): Promise<any[]> {
  const forge = sandbox.forge!;
  const res = await fetch(
    `${forge.url}/api/v3/repos/my-org/my-app-repo/pulls?state=all&per_page=100`,
    { headers: { Authorization: `token ${sandbox.forgeUser!.token}` } },
  );
  return ((await res.json()) as any[]).filter(
    p => p.title === `Promote flux-system/podinfo-02 in test to ${version}`,
  );
}

export async function merge(sandbox: Sandbox, number: number) {
  const res = await fetch(
    `${
      sandbox.forge!.url
    }/api/v3/repos/my-org/my-app-repo/pulls/${number}/merge`,
    {
      method: 'PUT',
      headers: {
        Authorization: `token ${sandbox.forgeUser!.token}`,
        'Content-Type': 'application/json',
      },
      body: '{}',
    },
  );
  if (res.status !== 200)
    throw new Error(`merge #${number}: HTTP ${res.status}`);
}

/**
 * The event log of a deployed pull-request promotion has every step once, in order:
 * requested, the pull request opened or updated, merged, deployed — and nothing twice
 * (retries and per-target lines aside).
 */
export function checkEventLog(
  events: Array<{ type: string; message: string }>,
): string | undefined {
  const counts = new Map<string, number>();
  for (const e of events) {
    const key = e.type === 'target-ready' ? `${e.type}:${e.message}` : e.type;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const twice = [...counts].filter(
    ([k, n]) => n > 1 && !k.startsWith('attempt-failed'),
  );
  if (twice.length)
    return `duplicated: ${twice.map(([k, n]) => `${k} ×${n}`).join(', ')}`;
  const types = events.map(e => e.type);
  const milestones = [
    'requested',
    /^pull-request-(opened|updated)$/,
    'pull-request-merged',
    'deployed',
  ];
  let at = -1;
  for (const m of milestones) {
    const i = types.findIndex(
      (t, k) => k > at && (typeof m === 'string' ? t === m : m.test(t)),
    );
    if (i < 0)
      return `missing ${String(m)} after ${
        types.slice(0, at + 1).join(' → ') || 'the start'
      } (log: ${types.join(' → ')})`;
    at = i;
  }
  return undefined;
}

/** Throws `<what>: expected …, got …` unless `actual === expected`. */
export function expectEqual(what: string, actual: unknown, expected: unknown) {
  if (actual !== expected)
    throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

/** The row of `version` ends deployed with one pull request and an event log without gap or duplicate. */
export async function checkFinished(
  ctx: ChaosContext,
  token: string,
  version: string,
  id: string,
) {
  const rows = await rowsFor(ctx.a.running ? ctx.a : ctx.b, token, version);
  expectEqual(`ledger rows for ${version}`, rows.length, 1);
  expectEqual(
    `pull requests for ${version}`,
    (await pullRequestsFor(ctx.sandbox, version)).length,
    1,
  );
  const detail = await promotion(ctx.a.running ? ctx.a : ctx.b, token, id);
  expectEqual(`state of ${version}`, detail.state, 'deployed');
  const problem = checkEventLog(detail.events);
  if (problem) throw new Error(`event log of ${version}: ${problem}`);
  return detail.events.length as number;
}

/**
 * Drives `version`'s row to deployed: merges its pull request once the row awaits the merge
 * (each PR once), then waits for the rollout. Returns the deployed row.
 */
export async function mergeAndDeploy(
  ctx: ChaosContext,
  via: Replica,
  token: string,
  version: string,
  timeoutMs = 120_000,
) {
  const merged = new Set<number>();
  return until(
    `${version} deployed`,
    async () => {
      const row = (await rowsFor(via, token, version)).find(
        r => !['superseded', 'cancelled'].includes(r.state),
      );
      if (
        row?.state === 'awaiting-merge' &&
        row.pullRequestNumber &&
        !merged.has(row.pullRequestNumber)
      ) {
        merged.add(row.pullRequestNumber);
        await merge(ctx.sandbox, row.pullRequestNumber);
      }
      return row?.state === 'deployed' ? row : undefined;
    },
    timeoutMs,
    250,
  );
}

/** Reads server-sent events from a replica's `/v1/events`, calling `onEvent` for each; returns the closer. */
export function listen(
  replica: Replica,
  token: string,
  onEvent: (event: string, data: any) => void,
): () => void {
  const open = listenEvents(replica.url, token, onEvent);
  open.catch(() => undefined);
  return () =>
    void open.then(
      close => close(),
      () => undefined,
    );
}

export { sleep };
