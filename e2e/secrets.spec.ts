import { expect, test } from '@playwright/test';
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';

/*
 * Runs after the other specs (files run in name order, one worker): the whole e2e run's
 * backend log, the API's answers and live events, and every pull request body on the forge
 * must hold none of the sandbox's secrets — tokens, passwords, hmac-keys, kubeconfigs.
 */

const root = path.resolve(__dirname, '..');
const kubeconfig = path.join(root, '.sandbox', 'kubeconfig');
const appLog =
  process.env.PIPELINES_APP_LOG ?? path.join(root, 'test-results', 'app.log');

/** Every value of every Secret on the management cluster, the sandbox's own credentials, and the kubeconfig's. */
function sandboxSecrets(): string[] {
  const secrets = new Set<string>();
  const endpoints = JSON.parse(
    fs.readFileSync(path.join(root, '.sandbox', 'endpoints.json'), 'utf8'),
  );
  for (const v of [
    endpoints.forge?.password,
    endpoints.forge?.token,
    endpoints.backstage?.serviceAccountToken,
    endpoints.backstage?.kubernetesPluginToken,
  ])
    if (v) secrets.add(v);
  const list = JSON.parse(
    execFileSync(
      'kubectl',
      [
        '--kubeconfig',
        kubeconfig,
        '--context',
        'management',
        'get',
        'secrets',
        '-A',
        '-o',
        'json',
      ],
      { encoding: 'utf8' },
    ),
  );
  for (const item of list.items) {
    for (const [key, value] of Object.entries<string>(item.data ?? {})) {
      // Names, not secrets: a forge user name shows up legitimately ("merged by pipelines-bot").
      if (['username', 'namespace', 'ca.crt'].includes(key)) continue;
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      // Whole values (kubeconfigs, keys, tokens) and the tokens inside kubeconfigs.
      if (decoded.length >= 8) secrets.add(decoded);
      for (const m of decoded.matchAll(/token:\s*"?([^\s"]{16,})/g))
        secrets.add(m[1]);
    }
  }
  for (const m of fs
    .readFileSync(kubeconfig, 'utf8')
    .matchAll(/(?:token|client-key-data):\s*"?([^\s"]{16,})/g))
    secrets.add(m[1]);
  return [...secrets];
}

function expectNoSecret(what: string, text: string, secrets: string[]) {
  const found = secrets
    .filter(s => text.includes(s))
    .map(s => `${s.slice(0, 4)}…(${s.length} chars)`);
  expect({ what, found }).toEqual({ what, found: [] });
}

test('no token, password, hmac-key or kubeconfig of the sandbox in logs, API answers, live events or PR bodies', async ({
  request,
}) => {
  const secrets = sandboxSecrets();
  expect(secrets.length).toBeGreaterThan(3);

  expect(fs.existsSync(appLog)).toBe(true);
  expectNoSecret(
    'the backend log of the e2e run',
    fs.readFileSync(appLog, 'utf8'),
    secrets,
  );

  const guest = await request.get(
    'http://localhost:7007/api/auth/guest/refresh?env=development',
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  const token = (await guest.json()).backstageIdentity.token;
  const api = async (p: string) => {
    const res = await request.get(`http://localhost:7007/api/pipelines${p}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    return res.text();
  };
  const answers: string[] = [await api('/v1/pipelines')];
  for (const entity of ['podinfo', 'podinfo-gated'])
    answers.push(await api(`/v1/entity/component/default/${entity}/pipelines`));
  for (const name of ['podinfo-02', 'podinfo-gated']) {
    const list = await api(
      `/v1/pipelines/management/flux-system/${name}/promotions?limit=100`,
    );
    answers.push(
      list,
      await api(`/v1/pipelines/management/flux-system/${name}`),
      await api(`/v1/pipelines/management/flux-system/${name}/holds`),
    );
    for (const item of JSON.parse(list).items)
      answers.push(await api(`/v1/promotions/${item.id}`));
  }
  expect(answers.length).toBeGreaterThan(8);
  expectNoSecret('the API answers', answers.join('\n'), secrets);

  // Live events: what the stream sends within a few seconds (a promotion makes it talk).
  const events = await fetch('http://localhost:7007/api/pipelines/v1/events', {
    headers: { Authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(4000),
  }).then(async res => {
    let text = '';
    const reader = res.body!.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    } catch {
      // the timeout ends the stream
    }
    return text;
  });
  expect(events).toContain(': connected');
  expectNoSecret('the live events', events, secrets);

  const endpoints = JSON.parse(
    fs.readFileSync(path.join(root, '.sandbox', 'endpoints.json'), 'utf8'),
  );
  const pulls = await request.get(
    `${endpoints.forge.githubApi}/repos/my-org/my-app-repo/pulls?state=all&per_page=100`,
    {
      headers: { Authorization: `token ${endpoints.forge.token}` },
    },
  );
  const bodies = (
    (await pulls.json()) as Array<{ title: string; body: string }>
  ).map(p => `${p.title}\n${p.body}`);
  expect(bodies.length).toBeGreaterThan(0);
  expectNoSecret('the pull request bodies', bodies.join('\n'), secrets);
});
