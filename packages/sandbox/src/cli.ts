/* eslint-disable no-console */
import fs from 'fs';
import path from 'path';
import { stringify } from 'yaml';
import { sandboxAppConfig } from './appConfig';
import { Demo } from './demo';
import { Sandbox } from './Sandbox';

/**
 * `npm run sandbox`: the sandbox on fixed ports (management 6443, dev 6444, prod 6445),
 * with `.sandbox/kubeconfig`, `.sandbox/endpoints.json` and the Backstage config that
 * points the app at it (`app-config.local.yaml`, only when that file is ours); and the demo
 * (`demo.ts`): podinfo-02 on the production path, podinfo-kustomize, a release into dev once
 * the backend is up.
 */
const root = path.resolve(__dirname, '..', '..', '..');
const out = path.join(root, '.sandbox');
const appConfig = path.join(root, 'app-config.local.yaml');
const MARKER =
  '# Written by the sandbox (packages/sandbox). Delete this line to keep your own edits.';

async function main() {
  const started = Date.now();
  const runDir = path.join(out, 'run');
  fs.rmSync(runDir, { recursive: true, force: true });
  const sandbox = await Sandbox.start({
    dir: runDir,
    ports: { management: 6443, dev: 6444, prod: 6445 },
    forgePort: 6480,
    fluxDelayMs: Number(process.env.SANDBOX_FLUX_DELAY_MS ?? 1500),
  });
  const demo = await Demo.install(sandbox, {
    backendUrl: process.env.SANDBOX_BACKEND_URL ?? 'http://127.0.0.1:7007',
    receiverPort: 6481,
    log: line => console.log(line),
  });
  const endpoints = { ...sandbox.endpoints(), demoReceiver: demo.receiver.url };
  fs.writeFileSync(path.join(out, 'kubeconfig'), sandbox.kubeconfig(), {
    mode: 0o600,
  });
  fs.writeFileSync(
    path.join(out, 'endpoints.json'),
    `${JSON.stringify(endpoints, null, 2)}\n`,
    { mode: 0o600 },
  );
  const ours =
    !fs.existsSync(appConfig) ||
    fs.readFileSync(appConfig, 'utf8').startsWith(MARKER);
  if (ours) {
    const config = sandboxAppConfig(sandbox);
    fs.writeFileSync(appConfig, `${MARKER}\n${stringify(config)}`, {
      mode: 0o600,
    });
  } else {
    console.warn(`[sandbox] ${appConfig} is not the sandbox's: left alone`);
  }
  console.log(
    `[sandbox] clusters: ${Object.entries(sandbox.clusters)
      .map(([n, c]) => `${n} ${c.url}`)
      .join(', ')}`,
  );
  console.log(
    `[sandbox] kubectl --kubeconfig .sandbox/kubeconfig --context management get pipelines -A`,
  );
  console.log(
    `[sandbox] git forge ${sandbox.forge?.url} (repository ${sandbox.repositoryUrl}, credentials in .sandbox/endpoints.json)`,
  );
  console.log(
    `[sandbox] demo receiver ${demo.receiver.url} (podinfo-kustomize's Promote events; GET lists them)`,
  );
  console.log(
    `[sandbox] started in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log('sandbox ready');
  demo
    .releaseWhenBackendIsUp()
    .catch(e =>
      console.error(`[demo] no release into dev: ${e?.message ?? e}`),
    );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('[sandbox] stopping');
    await demo.stop();
    await sandbox.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(e => {
  console.error(`[sandbox] failed: ${e?.stack ?? e}`);
  process.exit(1);
});
