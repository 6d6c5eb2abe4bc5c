import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { apply, Sandbox, waitUntil as until } from '@gitops-pipelines/sandbox';
import type { PipelineDetail } from '@gitops-pipelines/plugin-pipelines-common';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { stringify } from 'yaml';
import { startStoppableSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(150_000);

const TENANT = 'tenant-hostile';
const TOKENS_ONLY = 'pipelines accepts tokens and client certificates only';

/**
 * Issue 22 §1 end to end: a tenant's Secrets and GitopsClusters on the sandbox's real
 * management kube-apiserver, through the whole plugin (watch cache, REST API). Kubeconfigs
 * that would run a program or send a local file somewhere are refused with a target message
 * on the Pipeline detail, and nothing runs or is sent: the exec plugin's marker file never
 * appears and the listener on 127.0.0.1 — the server, the proxy — never gets a connection.
 * Controls show the same inputs are live in client-node's own `loadFromString`.
 */
describe('hostile kubeconfigs on the sandbox', () => {
  let sandbox: Sandbox;
  let backend: { server: any; stop: () => Promise<void> } | undefined;
  let listener: net.Server;
  let listenerUrl: string;
  const connections: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-kubeconfigs-'));
  const marker = path.join(dir, 'exec-ran');
  const tokenFile = path.join(dir, 'token');
  const FILE_CONTENT = 'content-of-a-local-file-7b21';
  fs.writeFileSync(tokenFile, FILE_CONTENT);

  /** A kubeconfig for `server` whose user (or cluster) has `user` (or `cluster`) fields. */
  const kubeconfig = (
    server: string,
    fields: { user?: object; cluster?: object },
  ) =>
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'c',
          cluster: {
            server,
            'certificate-authority-data': sandbox.clusters.dev.caData,
            ...fields.cluster,
          },
        },
      ],
      users: [{ name: 'u', user: fields.user ?? {} }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'c',
    });

  const execUser = () => ({
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'sh',
      args: [
        '-c',
        `touch ${marker}; echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"x"}}'`,
      ],
    },
  });

  /** Each hostile variant: its GitopsCluster name, kubeconfig, and the message expected. */
  const variants = () => {
    const dev = sandbox.clusters.dev.url;
    const secret = (name: string) => `${TENANT}/${name}-kubeconfig`;
    const said = (name: string, what: string) =>
      `the kubeconfig in Secret ${secret(name)} ${what}`;
    return [
      {
        name: 'exec',
        text: kubeconfig(dev, { user: execUser() }),
        message: said(
          'exec',
          `uses an exec credential plugin (users[0].user.exec); ${TOKENS_ONLY}`,
        ),
      },
      ...['tokenFile', 'token-file'].map(field => ({
        name: field.toLowerCase(),
        text: kubeconfig(listenerUrl, { user: { [field]: tokenFile } }),
        message: said(
          field.toLowerCase(),
          `reads its token from a local file (users[0].user.${field}); put it in token`,
        ),
      })),
      {
        name: 'auth-provider',
        text: kubeconfig(listenerUrl, {
          user: {
            'auth-provider': { name: 'file', config: { tokenFile } },
          },
        }),
        message: said(
          'auth-provider',
          `uses an auth-provider plugin (users[0].user.auth-provider); ${TOKENS_ONLY}`,
        ),
      },
      {
        name: 'client-key',
        text: kubeconfig(listenerUrl, {
          user: { 'client-certificate': tokenFile, 'client-key': tokenFile },
        }),
        message: said(
          'client-key',
          'reads its client certificate from a local file (users[0].user.client-certificate); put it in client-certificate-data (base64) instead',
        ),
      },
      {
        name: 'proxy',
        text: kubeconfig(dev, {
          user: { token: sandbox.pipelinesToken },
          cluster: { 'proxy-url': listenerUrl.replace('https', 'http') },
        }),
        message: said(
          'proxy',
          'sends its requests through a proxy (clusters[0].cluster.proxy-url); pipelines connects to API servers directly',
        ),
      },
    ];
  };

  const gitopsCluster = (name: string, text: string): KubernetesObject[] => [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${name}-kubeconfig`, namespace: TENANT },
      stringData: { value: text },
    } as KubernetesObject,
    {
      apiVersion: 'gitops.weave.works/v1alpha1',
      kind: 'GitopsCluster',
      metadata: { name, namespace: TENANT },
      spec: { secretRef: { name: `${name}-kubeconfig` } },
    } as KubernetesObject,
  ];

  /** A Pipeline in the tenant's namespace, one environment per cluster reference. */
  const pipeline = (refs: Array<{ name: string; namespace?: string }>) =>
    ({
      apiVersion: 'pipelines.weave.works/v1alpha1',
      kind: 'Pipeline',
      metadata: { name: 'hostile', namespace: TENANT },
      spec: {
        appRef: {
          apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
          kind: 'HelmRelease',
          name: 'podinfo',
        },
        environments: refs.map((ref, i) => ({
          name: `env${i}`,
          targets: [
            {
              namespace: 'apps',
              clusterRef: { kind: 'GitopsCluster', ...ref },
            },
          ],
        })),
      },
    } as KubernetesObject);

  beforeAll(async () => {
    listener = net.createServer(socket => {
      connections.push(`${socket.remoteAddress}:${socket.remotePort}`);
      socket.destroy();
    });
    await new Promise<void>(r => listener.listen(0, '127.0.0.1', r));
    listenerUrl = `https://127.0.0.1:${
      (listener.address() as net.AddressInfo).port
    }`;
    sandbox = await Sandbox.start({ fluxDelayMs: 100 });
    await sandbox.allowPipelinesIn(TENANT);
    const clean = kubeconfig(sandbox.clusters.dev.url, {
      user: { token: sandbox.targetReaderToken },
    });
    await apply(sandbox.clusters.management.admin, [
      ...variants().flatMap(v => gitopsCluster(v.name, v.text)),
      ...gitopsCluster('clean', clean),
      pipeline([
        ...variants().map(v => ({ name: v.name })),
        { name: 'clean' },
        { name: 'dev', namespace: 'flux-system' },
      ]),
    ]);
  });

  afterAll(async () => {
    await backend?.stop();
    await sandbox?.stop();
    await new Promise(r => listener?.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Whether a target's state is final (not still connecting or reading its Secret). */
  const resolved = (t: { health: string; message?: string }) =>
    t.health !== 'unknown' && !/connecting|reading/.test(t.message ?? '');

  const detail = async (server: any): Promise<PipelineDetail | undefined> => {
    const res = await request(server).get(
      `/api/pipelines/v1/pipelines/management/${TENANT}/hostile`,
    );
    return res.status === 200 ? res.body : undefined;
  };

  it('are live inputs for client-node itself (controls, outside the plugin)', async () => {
    const tokenKc = new KubeConfig();
    // client-node reads `token-file` (client-go's `tokenFile` it ignores) while parsing.
    tokenKc.loadFromString(variants()[2].text);
    expect(tokenKc.getCurrentUser()?.token).toBe(FILE_CONTENT);
    const control = path.join(dir, 'control-ran');
    const execKc = new KubeConfig();
    execKc.loadFromString(variants()[0].text.replace(marker, control));
    await execKc.applyToFetchOptions({});
    expect(fs.existsSync(control)).toBe(true);
  });

  it('refuses each with a target message; nothing runs and nothing is sent', async () => {
    backend = await startStoppableSandboxBackend(sandbox);
    let d: PipelineDetail | undefined;
    await until(async () => {
      d = await detail(backend!.server);
      return d?.environments.every(e => resolved(e.targets[0]));
    }, 'every target resolved');
    const targets = d!.environments.map(e => e.targets[0]);
    const hostile = variants();
    hostile.forEach((v, i) => {
      expect([v.name, targets[i].health, targets[i].message]).toEqual([
        v.name,
        'cluster-not-ready',
        v.message,
      ]);
    });
    const clean = targets[hostile.length];
    expect([clean.health, clean.message]).toEqual([
      'app-missing',
      'HelmRelease podinfo not found in namespace apps',
    ]);
    expect(targets[hostile.length + 1]).toMatchObject({
      health: 'cluster-not-found',
      message: `clusterRef.namespace "flux-system" is not the Pipeline's namespace "${TENANT}": references to GitopsClusters in other namespaces are refused (an administrator can allow them with pipelines.clusters.allowCrossNamespaceRefs)`,
    });
    expect(d!.conditions[0]).toMatchObject({
      status: 'False',
      reason: 'TargetClusterNotFound',
    });
    // The issue saw the exec plugin run within 1 s; give it three.
    await new Promise(r => setTimeout(r, 3000));
    expect(fs.existsSync(marker)).toBe(false);
    expect(connections).toEqual([]);
    expect(JSON.stringify(d)).not.toContain(FILE_CONTENT);
  });

  it('follows a cross-namespace reference only with allowCrossNamespaceRefs', async () => {
    await backend?.stop();
    backend = await startStoppableSandboxBackend(sandbox, {
      pipelines: { clusters: { allowCrossNamespaceRefs: true } },
    });
    let d: PipelineDetail | undefined;
    await until(async () => {
      d = await detail(backend!.server);
      const t = d?.environments[variants().length + 1]?.targets[0];
      return t && resolved(t) && t.health !== 'cluster-not-found';
    }, 'the cross-namespace target resolved');
    expect(d!.environments[variants().length + 1].targets[0]).toMatchObject({
      cluster: 'flux-system/dev',
      health: 'app-missing',
    });
    expect(fs.existsSync(marker)).toBe(false);
    expect(connections).toEqual([]);
  });
});
