import fc from 'fast-check';
import {
  APPROVAL_KEY,
  approvalBody,
  event,
  fakes,
  KEY,
  sign,
  start,
} from '../__testUtils__/webhookHarness';

jest.setTimeout(180_000);

/**
 * Property test: 1,000 generated webhook requests (paths, bodies, signatures, content types,
 * browser headers, sizes, encodings) against the webhook router on Backstage's real HTTP
 * stack, with the default settings (signatures required). Never a 5xx, and the ledger is asked
 * for a promotion or an approval only when an independent oracle — written from the
 * contract, not from the router — says the request was JSON from no browser, signed with the
 * key of the environment promoted into, bound to the pipeline's app and environment, and not
 * a delivery already acted on.
 */
const RUNS = 1000;
const NAMES = [
  'signed',
  'unsigned',
  'env-override',
  'no-key',
  'kustomize',
  'other',
  'missing',
  'UPPER',
  '..',
];
const ENVS = ['dev', 'test', 'prod', 'qa', '%2e%2e', ''];
/**
 * The environments whose promotion webhook has a key (the strategy of the environment promoted
 * into names a Secret with hmac-key): env-override's prod has its own strategy without one.
 */
const KEYED: Record<string, string[]> = {
  signed: ['dev', 'test'],
  'env-override': ['dev'],
};
const JSON_TYPES = [
  'application/json',
  'application/cloudevents+json; charset=utf-8',
];
const TARGETS: Record<string, string[]> = {
  dev: ['app-dev'],
  test: ['app-test', 'app-test-2'],
};
const APPS: Record<string, { kind: string; name: string; group: string }> = {
  kustomize: {
    kind: 'Kustomization',
    name: 'apps',
    group: 'kustomize.toolkit.fluxcd.io',
  },
};
const appOf = (name: string) =>
  APPS[name] ?? {
    kind: 'HelmRelease',
    name: 'podinfo',
    group: 'helm.toolkit.fluxcd.io',
  };
const READY: Record<string, string[]> = {
  HelmRelease: ['InstallSucceeded', 'UpgradeSucceeded', 'TestSucceeded'],
  Kustomization: ['ReconciliationSucceeded'],
};

/** Whether a promotion webhook request is one the contract says must promote. */
function promotes(
  name: string,
  env: string,
  body: string,
  signature: string | undefined,
): boolean {
  if (!KEYED[name]?.includes(env) || !TARGETS[env]) return false;
  if (signature !== sign(body)) return false;
  let e: any;
  try {
    e = JSON.parse(body);
  } catch {
    return false;
  }
  const app = appOf(name);
  const o = e?.involvedObject;
  if (
    !o ||
    o.kind !== app.kind ||
    o.name !== app.name ||
    !TARGETS[env].includes(o.namespace)
  )
    return false;
  if (
    o.apiVersion !== undefined &&
    String(o.apiVersion).split('/')[0] !== app.group
  )
    return false;
  if (
    e.severity === 'error' ||
    typeof e.metadata?.revision !== 'string' ||
    !e.metadata.revision
  )
    return false;
  return (
    READY[app.kind].includes(e.reason) ||
    (e.reason === 'info' &&
      /^Helm (install|upgrade|test) succeeded$/.test(e.message ?? ''))
  );
}

/** A field of a Flux event set to another value: one thing wrong (or, by chance, still right). */
const eventEdit = fc.oneof(
  fc.record({
    field: fc.constant('kind' as const),
    value: fc.constantFrom('HelmRelease', 'Kustomization', 'GitRepository', ''),
  }),
  fc.record({
    field: fc.constant('name' as const),
    value: fc.constantFrom('podinfo', 'apps', 'other'),
  }),
  fc.record({
    field: fc.constant('namespace' as const),
    value: fc.constantFrom(
      'app-dev',
      'app-test',
      'app-test-2',
      'app-prod',
      'flux-system',
    ),
  }),
  fc.record({
    field: fc.constant('reason' as const),
    value: fc.constantFrom(
      'UpgradeSucceeded',
      'TestSucceeded',
      'UpgradeFailed',
      'RollbackSucceeded',
      'UninstallSucceeded',
      'ReconciliationFailed',
      'info',
      'Progressing',
    ),
  }),
  fc.record({
    field: fc.constant('severity' as const),
    value: fc.constantFrom('info', 'error', 'trace'),
  }),
  fc.record({
    field: fc.constant('apiVersion' as const),
    value: fc.constantFrom(
      'helm.toolkit.fluxcd.io/v2beta1',
      'kustomize.toolkit.fluxcd.io/v1',
      'source.toolkit.fluxcd.io/v1',
      'v1',
    ),
  }),
  fc.record({
    field: fc.constant('revision' as const),
    value: fc.constantFrom(
      `6.1.0@sha256:${'a'.repeat(64)}`,
      `main@sha1:${'b'.repeat(40)}`,
      ' ',
      'x'.repeat(300),
    ),
  }),
);
/** Body kinds: an event about the path's app and environment (maybe with edits), random JSON, text, edge cases. */
const body = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.array(eventEdit, { maxLength: 2 }).map(edits => ({ edits })),
  },
  { weight: 1, arbitrary: fc.jsonValue().map(v => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '{',
      'null',
      '[]',
      '{"metadata":{}}',
      'x'.repeat(70 * 1024),
      '\u0000\uffff',
    ),
  },
);
/** The request's body text: an event is built for the path's pipeline app and environment, then edited. */
function bodyText(
  b: string | { edits: Array<{ field: string; value: string }> },
  name: string,
  env: string,
): string {
  if (typeof b === 'string') return b;
  const app = appOf(name);
  const fields: Record<string, string> = {
    kind: app.kind,
    name: app.name,
    namespace: TARGETS[env]?.[0] ?? 'app-dev',
    reason: READY[app.kind][0],
    apiVersion: `${app.group}/v2`,
  };
  for (const e of b.edits) fields[e.field] = e.value;
  return event(fields);
}
const request = fc.record({
  kind: fc.constantFrom('promotion', 'approval'),
  // Weighted towards requests that could be valid, so that both sides of the oracle are exercised.
  name: fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom('signed', 'env-override', 'unsigned'),
    },
    { weight: 1, arbitrary: fc.constantFrom(...NAMES) },
  ),
  env: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('dev', 'test') },
    { weight: 1, arbitrary: fc.constantFrom(...ENVS) },
  ),
  body,
  approval: fc.boolean(),
  signature: fc.oneof(
    { weight: 3, arbitrary: fc.constant('right') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'none',
        'wrong-key',
        'other-webhook-key',
        'malformed',
        'other-body',
      ),
    },
  ),
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...JSON_TYPES) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      ),
    },
  ),
  browser: fc.oneof(
    { weight: 6, arbitrary: fc.constant({}) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { Origin: 'https://evil.example' },
        { 'Sec-Fetch-Site': 'cross-site' },
      ),
    },
  ),
});

describe('webhook fuzzing', () => {
  it(`answers ${RUNS} generated webhook requests without a 5xx, recording only valid, signed and bound ones`, async () => {
    const f = fakes();
    // A waiting promotion the approval webhook could approve.
    const record = {
      id: 'signed-6.1.0',
      pipeline: {
        cluster: 'management',
        namespace: 'flux-system',
        name: 'signed',
      },
      toEnvironment: 'prod',
      version: '6.1.0',
      requestedBy: 'user:default/alice',
      approvals: [] as any[],
      state: 'waiting-approval',
    };
    f.records.set('signed:prod:6.1.0', record);
    f.records.set(record.id, record);
    const { send, engine } = await start(
      {
        webhooks: {
          approval: true,
          rateLimit: { requests: 1_000_000, signedRequests: 1_000_000 },
        },
      },
      f,
    );
    const delivered = new Set<string>();
    const statuses = new Map<number, number>();
    let promoted = 0;
    let approved = 0;
    await fc.assert(
      fc.asyncProperty(request, async r => {
        const text =
          r.kind === 'approval' && r.approval
            ? approvalBody({ name: r.name, environment: r.env })
            : bodyText(r.body, r.name, r.env);
        const key = r.kind === 'approval' ? APPROVAL_KEY : KEY;
        const signatures: Record<string, string | undefined> = {
          right: sign(text, key),
          none: undefined,
          'wrong-key': sign(text, `${key}-not`),
          'other-webhook-key': sign(text, key === KEY ? APPROVAL_KEY : KEY),
          malformed: 'sha256=zz',
          'other-body': sign(`${text} `),
        };
        const signature = signatures[r.signature];
        const path =
          r.kind === 'promotion'
            ? `/promotion/flux-system/${r.name}/${r.env}`
            : `/approval/flux-system/${r.name}/${r.env}/6.1.0`;
        const before = {
          next: engine.requestNext.mock.calls.length,
          decide: engine.decide.mock.calls.length,
        };
        const res = await send(path, text, {
          'Content-Type': r.contentType,
          ...r.browser,
          ...(signature ? { 'X-Signature': signature } : {}),
        });
        const plain =
          JSON_TYPES.includes(r.contentType) &&
          !('Origin' in r.browser || 'Sec-Fetch-Site' in r.browser);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeLessThan(500);
        expect(JSON.stringify(res.body ?? '')).not.toMatch(
          /\s+at\s.+\.(ts|js):\d+/,
        ); // no stack traces
        const nextCalled = engine.requestNext.mock.calls.length > before.next;
        const decided = engine.decide.mock.calls.length > before.decide;
        // A promotion is recorded only when the contract says so (fast-check reports the request if not).
        expect(
          !nextCalled ||
            (plain &&
              promotes(r.name, r.env, text, signature) &&
              !delivered.has(`${path}\u0000${text}`)),
        ).toBe(true);
        if (nextCalled) delivered.add(`${path}\u0000${text}`);
        // An approval only for the signed pipeline's test → prod, with a valid signature and a bound body.
        expect(
          !decided ||
            (plain &&
              r.name === 'signed' &&
              r.env === 'test' &&
              signature === sign(text, APPROVAL_KEY)),
        ).toBe(true);
        promoted += nextCalled ? 1 : 0;
        approved += decided ? 1 : 0;
        record.approvals.length = 0;
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261130) },
    );
    process.stdout.write(
      `webhook fuzzing: ${RUNS} requests, ${promoted} promoted, ${approved} approved, statuses ${JSON.stringify(
        Object.fromEntries([...statuses].sort()),
      )}\n`,
    );
    expect(promoted).toBeGreaterThan(0);
    expect(approved).toBeGreaterThan(0);
  });
});
