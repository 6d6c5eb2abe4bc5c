import {
  answered,
  applyManagement,
  Attack,
  call,
  Identity,
  pipelinePath,
  SecurityContext,
} from '../context';
import { ENTITIES, pipeline, signedNotification } from '../fixtures';
import { decidedTargets } from './kubeconfig';

/*
 * A namespace tenant reaching outside its namespace, and signed-in users reading the
 * management cluster's Secrets through the Kubernetes plugin's proxy.
 */

export const TENANT_NAMESPACE = 'sec-tenant';

const CROSS: Array<{ id: string; tried: string; ref: object }> = [
  {
    id: 'cross-namespace-clusterref',
    tried:
      'Pipeline in sec-tenant with clusterRef flux-system/<platform cluster>',
    ref: { kind: 'GitopsCluster', namespace: 'flux-system' },
  },
  {
    id: 'clusterref-namespace-omitted',
    tried:
      'Pipeline in sec-tenant naming the platform cluster without a namespace',
    ref: { kind: 'GitopsCluster' },
  },
];

/** The tenant's Pipelines in its own namespace, pointing at the platform's GitopsClusters. */
export async function applyTenantAttacks(ctx: SecurityContext) {
  await applyManagement(ctx, [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: TENANT_NAMESPACE },
    },
    ...CROSS.map(c =>
      pipeline(`sec-${c.id}`, {
        namespace: TENANT_NAMESPACE,
        entity: ENTITIES.guestApp,
        strategy: signedNotification,
        clusterRef: env => ({
          ...c.ref,
          name: env === 'prod' ? 'prod' : 'dev',
        }),
      }),
    ),
  ]);
}

const crossAttacks = CROSS.map(
  (c): Attack => ({
    id: c.id,
    tried: c.tried,
    run: async ctx => {
      const targets = await decidedTargets(
        ctx,
        pipelinePath(`sec-${c.id}`, TENANT_NAMESPACE),
      );
      const read = targets?.filter(t => t.health === 'ready' || t.version);
      return {
        refused: Boolean(targets) && read?.length === 0,
        happened: !targets
          ? 'no decision within 20 s'
          : read!.length
          ? `${read!.length} target(s) read through the platform's cluster (${
              read![0].version ?? read![0].health
            })`
          : `targets not resolved: "${String(
              targets[0].message ?? targets[0].health,
            ).slice(0, 100)}"`,
      };
    },
  }),
);

const PROXY: Array<[string, string, Identity | undefined]> = [
  [
    'guest-lists-flux-system-secrets',
    '/api/v1/namespaces/flux-system/secrets',
    'guest',
  ],
  [
    'guest-gets-forge-secret',
    '/api/v1/namespaces/flux-system/secrets/github-credentials',
    'guest',
  ],
  ['guest-lists-all-secrets', '/api/v1/secrets', 'guest'],
  [
    'guest-watches-secrets',
    '/api/v1/namespaces/flux-system/secrets?watch=true&timeoutSeconds=1',
    'guest',
  ],
  [
    'outsider-gets-kubeconfig-secret',
    '/api/v1/namespaces/flux-system/secrets/prod-kubeconfig',
    'outsider',
  ],
  [
    'anonymous-lists-secrets',
    '/api/v1/namespaces/flux-system/secrets',
    undefined,
  ],
];

const proxyAttacks = PROXY.map(
  ([id, path, as]): Attack => ({
    id: `k8s-proxy-${id}`,
    tried: `${
      as ?? 'anonymous'
    }: GET /api/kubernetes/proxy${path} (cluster management)`,
    run: async ctx => {
      const a = await call(ctx, 'GET', `/api/kubernetes/proxy${path}`, {
        as,
        headers: { 'Backstage-Kubernetes-Cluster': 'management' },
      });
      const forge = ctx.sandbox.forgeUser!;
      const leaked =
        a.text.includes('"data"') ||
        a.text.includes(Buffer.from(forge.password).toString('base64')) ||
        a.text.includes(Buffer.from(forge.token).toString('base64'));
      return {
        refused: [401, 403].includes(a.status) && !leaked,
        happened: `${answered(a)}${
          leaked ? ', Secret data in the answer' : ''
        }`,
      };
    },
  }),
);

export const tenantAttacks: Attack[] = [...crossAttacks, ...proxyAttacks];
