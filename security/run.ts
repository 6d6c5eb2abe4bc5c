/* eslint-disable no-console */
/**
 * `npm run security`: the attack suite of issue 22 (docs/SECURITY.md). Starts the sandbox (real
 * kube-apiservers, Flux stand-in, forge), hostile listeners and one backend of the demo app on
 * 127.0.0.1, runs every attack as its actor would, and prints one row per attack:
 * `refused  <id>  <what was tried>  → <what happened>` (or `NOT REFUSED …`); the last line is
 * `security: N attacks, N refused`. `SECURITY_RESULTS=<file>` also writes the rows as JSON,
 * `SECURITY_ONLY=<text,…>` runs the attacks whose id contains one of the texts.
 */
import { Sandbox } from '@gitops-pipelines/sandbox';
import { randomBytes } from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { BackendProcess, until } from '../harness/backendProcess';
import { writeSecurityConfig } from './config';
import { applyManagement, Attack, Identity, SecurityContext } from './context';
import { baseObjects, ENTITIES, targetObjects } from './fixtures';
import { HostileListener, RewritingForge } from './listeners';
import {
  applyForgeAttacks,
  forgeAttacks,
  forgeUrlAttack,
} from './attacks/forge';
import { accessAttacks, prepareGated } from './attacks/access';
import {
  applyCredentialAttacks,
  credentialAttacks,
} from './attacks/credentials';
import { versionAttacks } from './attacks/input';
import {
  applyKubeconfigAttacks,
  kubeconfigAttacks,
} from './attacks/kubeconfig';
import { applyTenantAttacks, tenantAttacks } from './attacks/tenant';
import { webhookAttacks } from './attacks/webhooks';
import { applyClusterAttacks, clusterAttacks } from './attacks/cluster';
import { actionAttacks } from './attacks/actions';
import { signalsAttack } from './attacks/signals';
import { applyDowngradeAttack, downgradeAttack } from './attacks/downgrade';
import { apply } from '@gitops-pipelines/sandbox';
import { KubernetesObject } from '@kubernetes/client-node';

/** The backend's port: `SECURITY_PORT`, default 7401 (e2e uses 7007, chaos 7301–7302, bench 7107). */
const PORT = Number(process.env.SECURITY_PORT ?? 7401);
/** No attack may take longer than this. */
const ATTACK_TIMEOUT_MS = 45_000;
const out = process.env.SECURITY_RESULTS;
const log = (line: string) =>
  console.error(`[security ${new Date().toISOString().slice(11, 19)}] ${line}`);

interface Row {
  id: string;
  tried: string;
  refused: boolean;
  happened: string;
  ms: number;
}

/** The URLs the compromised forges put in their answers, by attack key. */
const HOSTILE_URLS: Record<string, string> = {
  javascript: 'javascript:alert(document.cookie)//',
  data: 'data:text/html,<script>alert(1)</script>',
  'other-host': 'https://evil.example/my-org/sec-repo/pull/1',
};

/**
 * The attacks in the order they run. The approval-webhook attack and the access attacks act
 * on the waiting promotion of sec-gated, which `prepare-gated` finds (or requests) first.
 */
function ordered(): Array<Attack | 'prepare-gated'> {
  const isApproval = (a: Attack) => a.id.startsWith('approval-');
  // The replay moves sec-signed's test environment on (shared by the forge attacks): last.
  const isReplay = (a: Attack) => a.id === 'webhook-replay';
  return [
    ...kubeconfigAttacks,
    ...tenantAttacks,
    ...clusterAttacks,
    ...webhookAttacks.filter(a => !isApproval(a) && !isReplay(a)),
    downgradeAttack,
    ...credentialAttacks,
    ...forgeAttacks,
    ...Object.entries(HOSTILE_URLS).map(([k, url]) => forgeUrlAttack(k, url)),
    ...versionAttacks,
    'prepare-gated',
    ...webhookAttacks.filter(isApproval),
    ...actionAttacks,
    signalsAttack,
    ...accessAttacks,
    ...webhookAttacks.filter(isReplay),
  ];
}

async function runOne(ctx: SecurityContext, attack: Attack): Promise<Row> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      attack.run(ctx),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `suite: no answer within ${ATTACK_TIMEOUT_MS / 1000} s`,
              ),
            ),
          ATTACK_TIMEOUT_MS,
        );
      }),
    ]);
    return {
      id: attack.id,
      tried: attack.tried,
      ...outcome,
      ms: Date.now() - started,
    };
  } catch (e) {
    return {
      id: attack.id,
      tried: attack.tried,
      refused: false,
      happened: `suite error: ${(e as Error).message ?? e}`,
      ms: Date.now() - started,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Waits (≤ 60 s) until the catalog has processed the suite's entities. */
async function catalogHas(ctx: SecurityContext, refs: string[]) {
  const token = await ctx.backend.signInToken('guest');
  await until(
    `the catalog lists ${refs.join(', ')}`,
    async () => {
      for (const ref of refs) {
        const [kind, rest] = ref.split(':');
        const res = await fetch(
          `${ctx.backend.url}/api/catalog/entities/by-name/${kind}/${rest}`,
          { headers: { Authorization: `Bearer ${token}` } },
        );
        if (!res.ok) return false;
      }
      return true;
    },
    60_000,
    500,
  );
}

async function main() {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-security-'));
  log(`working in ${dir}`);
  const sandbox = await Sandbox.start({
    dir: path.join(dir, 'sandbox'),
    fluxDelayMs: 200,
  });
  const recorder = new HostileListener('recorder');
  const redirector = new HostileListener('redirector', () => recorder.url);
  const knownRedirector = new HostileListener(
    'known-redirector',
    () => recorder.url,
  );
  const rewriters = Object.fromEntries(
    Object.entries(HOSTILE_URLS).map(([k, url]) => [
      k,
      new RewritingForge(k, () => sandbox.forge!.url, url),
    ]),
  );
  const listeners = [
    recorder,
    redirector,
    knownRedirector,
    ...Object.values(rewriters),
  ];
  for (const l of listeners) await l.start();
  const backend = new BackendProcess(
    'backend',
    PORT,
    writeSecurityConfig(dir, PORT, sandbox, [
      knownRedirector.url,
      ...Object.values(rewriters).map(r => r.url),
    ]),
    path.join(dir, 'backend.log'),
  );
  const ctx: SecurityContext = {
    sandbox,
    backend,
    tokens: {} as Record<Identity, string>,
    recorder,
    redirector,
    knownRedirector,
    rewriters,
    dir,
    keys: {
      promotion: randomBytes(32).toString('hex'),
      approval: randomBytes(32).toString('hex'),
    },
    log,
  };
  const rows: Row[] = [];
  try {
    for (const cluster of ['dev', 'prod'])
      await apply(
        sandbox.clusters[cluster].admin,
        targetObjects(cluster) as KubernetesObject[],
      );
    await applyManagement(ctx, baseObjects(ctx.keys));
    await applyKubeconfigAttacks(ctx);
    await applyTenantAttacks(ctx);
    await applyCredentialAttacks(ctx);
    await applyForgeAttacks(ctx);
    await applyClusterAttacks(ctx);
    await applyDowngradeAttack(ctx);
    log(`sandbox and attack objects ready in ${Date.now() - started} ms`);
    // Reads are for owners (config.ts): outsider is one of podinfo-02's (group guests).
    backend.warmUpAs = 'outsider';
    await backend.start();
    await catalogHas(ctx, Object.values(ENTITIES));
    // Signed in once the catalog holds them: their groups become ownership claims.
    for (const id of [
      'guest',
      'reviewer',
      'approver',
      'outsider',
    ] as Identity[])
      ctx.tokens[id] = await backend.signInToken(id);
    log(`backend ready in ${Date.now() - started} ms`);
    const only = process.env.SECURITY_ONLY?.split(',').filter(Boolean);
    for (const step of ordered()) {
      if (step === 'prepare-gated') {
        await prepareGated(ctx).catch(e =>
          log(`set-up of sec-gated: ${e.message}`),
        );
        continue;
      }
      if (only && !only.some(o => step.id.includes(o))) continue;
      log(`attack: ${step.id}`);
      rows.push(await runOne(ctx, step));
    }
  } finally {
    await backend.stop();
    for (const l of listeners) await l.stop();
    await sandbox.stop();
  }
  console.log('');
  const width = Math.max(...rows.map(r => r.id.length));
  for (const r of rows)
    console.log(
      `${r.refused ? 'refused    ' : 'NOT REFUSED'}  ${r.id.padEnd(width)}  ${
        r.tried
      }  → ${r.happened}`,
    );
  const refused = rows.filter(r => r.refused).length;
  if (out) fs.writeFileSync(out, JSON.stringify({ results: rows }, null, 2));
  console.log(`security: ${rows.length} attacks, ${refused} refused`);
  log(`took ${Math.round((Date.now() - started) / 1000)} s`);
  if (refused !== rows.length) {
    log(`backend log kept in ${dir}/backend.log`);
    process.exitCode = 1;
  } else {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(`[security] failed: ${e?.stack ?? e}`);
  console.log('security: 0 attacks, 0 refused');
  process.exit(1);
});
