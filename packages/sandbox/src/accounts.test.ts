import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  V1ResourceAttributes,
  V1ResourceRule,
} from '@kubernetes/client-node';
import {
  KUBERNETES_PLUGIN_RBAC_FILE,
  MANAGEMENT_RBAC_FILE,
  PIPELINES_NAMESPACE_RBAC_FILE,
  TARGET_RBAC_FILE,
  manifestsIn,
} from './accounts';
import { kubeConfigFor, readManifests } from './kube';
import { Sandbox } from './Sandbox';

jest.setTimeout(120_000);

const READ = new Set(['get', 'list', 'watch']);
// Granted to every authenticated user by Kubernetes itself (system:basic-user).
const SELF_REVIEWS = ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'];
// Namespaces without Pipelines; `''` is a cluster-wide request.
const ELSEWHERE = ['default', 'kube-system', 'backstage', ''];

describe('the shipped accounts, as the sandbox applies them', () => {
  let sandbox: Sandbox;
  const as = (token: string, cluster = 'management') =>
    kubeConfigFor({
      name: cluster,
      server: sandbox.clusters[cluster].url,
      caData: sandbox.clusters[cluster].caData,
      token,
    });
  const canI = async (kc: KubeConfig, attributes: V1ResourceAttributes) =>
    (
      await kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: attributes } },
      })
    ).status!.allowed;
  /** Every rule the account has in `namespace` (its ClusterRoles' and that namespace's Roles'). */
  const rulesIn = async (kc: KubeConfig, namespace: string) => {
    const review = await kc
      .makeApiClient(AuthorizationV1Api)
      .createSelfSubjectRulesReview({ body: { spec: { namespace } } });
    expect(review.status!.incomplete).toBe(false);
    return review.status!.resourceRules;
  };
  /** The account's rules that allow more than reading, as `group/resource[names]: verbs`. */
  const writes = (rules: V1ResourceRule[]) =>
    rules
      .filter(r => r.verbs.some(v => !READ.has(v)))
      .filter(r => !(r.resources ?? []).every(x => SELF_REVIEWS.includes(x)))
      .map(
        r =>
          `${r.apiGroups?.join(',')}/${r.resources?.join(',')}${
            r.resourceNames?.length ? `[${r.resourceNames.join(',')}]` : ''
          }: ${r.verbs.filter(v => !READ.has(v)).join(',')}`,
      )
      .sort();
  const grantsSecrets = (rules: V1ResourceRule[]) =>
    rules.filter(
      r =>
        (r.apiGroups ?? []).some(g => g === '' || g === '*') &&
        (r.resources ?? []).some(x => x === 'secrets' || x === '*'),
    );

  beforeAll(async () => {
    sandbox = await Sandbox.start({
      seed: false,
      flux: false,
      targetClusters: ['dev'],
    });
    // A tenant's namespace with Pipelines: a user applies the per-namespace template there.
    await sandbox.allowPipelinesIn('team-a');
    // A namespace with a Secret but no Pipelines: nobody applied the template there.
    await sandbox.clusters.management.admin
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: 'team-b' } } });
    await sandbox.clusters.management.admin
      .makeApiClient(CoreV1Api)
      .createNamespacedSecret({
        namespace: 'team-b',
        body: { metadata: { name: 'db' }, stringData: { password: 'x' } },
      });
  });
  afterAll(() => sandbox?.stop());

  it('applies every shipped manifest as it is, read from the plugin package', async () => {
    const same = async (kc: KubeConfig, objects: KubernetesObject[]) => {
      const client = KubernetesObjectApi.makeApiClient(kc);
      for (const o of objects) {
        const live: any = await client.read(o as any);
        for (const key of ['rules', 'roleRef', 'subjects'] as const) {
          expect(JSON.parse(JSON.stringify(live[key] ?? null))).toEqual(
            JSON.parse(JSON.stringify((o as any)[key] ?? null)),
          );
        }
      }
    };
    const m = sandbox.clusters.management.admin;
    await same(m, readManifests(MANAGEMENT_RBAC_FILE));
    await same(m, readManifests(KUBERNETES_PLUGIN_RBAC_FILE));
    for (const ns of ['flux-system', 'team-a'])
      await same(m, manifestsIn(PIPELINES_NAMESPACE_RBAC_FILE, ns));
    await same(sandbox.clusters.dev.admin, readManifests(TARGET_RBAC_FILE));
    await same(
      sandbox.clusters.dev.admin,
      readManifests(KUBERNETES_PLUGIN_RBAC_FILE),
    );
    // The template has no namespace of its own: `kubectl apply -n` places it.
    expect(
      readManifests(PIPELINES_NAMESPACE_RBAC_FILE).map(
        o => o.metadata?.namespace,
      ),
    ).toEqual([undefined, undefined]);
  });

  it('issues one token per account, each its own ServiceAccount', async () => {
    const review = async (token: string, cluster = 'management') =>
      (
        await sandbox.clusters[cluster].admin
          .makeApiClient(AuthenticationV1Api)
          .createTokenReview({ body: { spec: { token } } })
      ).status!.user!.username;
    expect(await review(sandbox.pipelinesToken)).toBe(
      'system:serviceaccount:backstage:gitops-pipelines',
    );
    expect(await review(sandbox.kubernetesPluginToken)).toBe(
      'system:serviceaccount:backstage:kubernetes-plugin-reader',
    );
    expect(
      await review(sandbox.clusters.dev.kubernetesPluginToken, 'dev'),
    ).toBe('system:serviceaccount:backstage:kubernetes-plugin-reader');
    expect(sandbox.pipelinesToken).not.toBe(sandbox.kubernetesPluginToken);
  });

  it("gives the Kubernetes plugin's account no Secret in any namespace, and no write", async () => {
    for (const [cluster, token] of [
      ['management', sandbox.kubernetesPluginToken],
      ['dev', sandbox.clusters.dev.kubernetesPluginToken],
    ]) {
      const kc = as(token, cluster);
      for (const namespace of [
        'flux-system',
        'team-a',
        'team-b',
        ...ELSEWHERE,
      ]) {
        for (const verb of ['get', 'list', 'watch']) {
          expect({
            cluster,
            namespace,
            verb,
            allowed: await canI(kc, { verb, resource: 'secrets', namespace }),
          }).toEqual({ cluster, namespace, verb, allowed: false });
        }
        const rules = await rulesIn(kc, namespace || 'default');
        expect(grantsSecrets(rules)).toEqual([]);
        expect(writes(rules)).toEqual([]);
      }
    }
    // The requests themselves, as the plugin's proxy would send them.
    const core = as(sandbox.kubernetesPluginToken).makeApiClient(CoreV1Api);
    await expect(
      core.listNamespacedSecret({ namespace: 'flux-system' }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(core.listSecretForAllNamespaces()).rejects.toMatchObject({
      code: 403,
    });
    await expect(
      core.readNamespacedSecret({
        namespace: 'flux-system',
        name: 'dev-kubeconfig',
      }),
    ).rejects.toMatchObject({ code: 403 });
    // What it is for: pods, their logs, Flux's objects; never exec.
    const kc = as(sandbox.kubernetesPluginToken);
    expect(
      await canI(kc, { verb: 'list', resource: 'pods', namespace: 'team-a' }),
    ).toBe(true);
    expect(
      await canI(kc, {
        verb: 'get',
        resource: 'pods',
        subresource: 'log',
        namespace: 'team-a',
      }),
    ).toBe(true);
    expect(
      await canI(kc, {
        verb: 'list',
        group: 'helm.toolkit.fluxcd.io',
        resource: 'helmreleases',
      }),
    ).toBe(true);
    expect(
      await canI(kc, {
        verb: 'create',
        resource: 'pods',
        subresource: 'exec',
        namespace: 'team-a',
      }),
    ).toBe(false);
  });

  it("lets the pipelines account read Secrets only in the Pipelines' namespaces", async () => {
    const kc = as(sandbox.pipelinesToken);
    for (const namespace of ['flux-system', 'team-a']) {
      for (const verb of ['get', 'list', 'watch'])
        expect(await canI(kc, { verb, resource: 'secrets', namespace })).toBe(
          true,
        );
    }
    for (const namespace of ['team-b', ...ELSEWHERE]) {
      for (const verb of ['get', 'list', 'watch']) {
        expect({
          namespace,
          verb,
          allowed: await canI(kc, { verb, resource: 'secrets', namespace }),
        }).toEqual({ namespace, verb, allowed: false });
      }
    }
    const core = kc.makeApiClient(CoreV1Api);
    const own = await core.listNamespacedSecret({ namespace: 'flux-system' });
    expect(own.items.map(s => s.metadata?.name)).toContain('dev-kubeconfig');
    await expect(
      core.listNamespacedSecret({ namespace: 'team-b' }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(
      core.readNamespacedSecret({ namespace: 'team-b', name: 'db' }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(core.listSecretForAllNamespaces()).rejects.toMatchObject({
      code: 403,
    });
  });

  it('lets the pipelines account write nothing but Pipelines’ status, Events and the notification-controller proxy', async () => {
    const kc = as(sandbox.pipelinesToken);
    const status = 'pipelines.weave.works/pipelines/status: update,patch';
    const events = '/events: create,patch';
    const proxy =
      '/services/proxy[notification-controller,http:notification-controller:80]: create';
    expect(writes(await rulesIn(kc, 'flux-system'))).toEqual(
      [events, status, proxy].sort(),
    );
    expect(writes(await rulesIn(kc, 'team-a'))).toEqual(
      [events, status].sort(),
    );
    for (const namespace of ['team-b', 'default', 'kube-system', 'backstage'])
      expect(writes(await rulesIn(kc, namespace))).toEqual([status]);
    // What an attacker holding this token would try first.
    for (const attributes of [
      { verb: 'create', resource: 'secrets', namespace: 'flux-system' },
      { verb: 'update', resource: 'secrets', namespace: 'flux-system' },
      {
        verb: 'create',
        resource: 'serviceaccounts',
        subresource: 'token',
        namespace: 'backstage',
        name: 'gitops-pipelines',
      },
      { verb: 'create', resource: 'pods', namespace: 'flux-system' },
      {
        verb: 'create',
        resource: 'pods',
        subresource: 'exec',
        namespace: 'flux-system',
      },
      {
        verb: 'update',
        group: 'pipelines.weave.works',
        resource: 'pipelines',
        namespace: 'flux-system',
      },
      {
        verb: 'delete',
        group: 'pipelines.weave.works',
        resource: 'pipelines',
        namespace: 'flux-system',
      },
      {
        verb: 'patch',
        group: 'gitops.weave.works',
        resource: 'gitopsclusters',
        namespace: 'flux-system',
      },
      {
        verb: 'patch',
        group: 'helm.toolkit.fluxcd.io',
        resource: 'helmreleases',
        namespace: 'flux-system',
      },
      { verb: 'create', resource: 'events', namespace: 'team-b' },
      {
        verb: 'create',
        resource: 'services',
        subresource: 'proxy',
        namespace: 'kube-system',
        name: 'kube-dns',
      },
      {
        verb: 'create',
        resource: 'services',
        subresource: 'proxy',
        namespace: 'team-a',
        name: 'notification-controller',
      },
      { verb: 'impersonate', resource: 'users', name: 'admin' },
      {
        verb: 'bind',
        group: 'rbac.authorization.k8s.io',
        resource: 'clusterroles',
        name: 'cluster-admin',
      },
      {
        verb: 'escalate',
        group: 'rbac.authorization.k8s.io',
        resource: 'roles',
        namespace: 'flux-system',
      },
    ])
      expect({ ...attributes, allowed: await canI(kc, attributes) }).toEqual({
        ...attributes,
        allowed: false,
      });
    expect(
      await canI(kc, {
        verb: 'patch',
        group: 'pipelines.weave.works',
        resource: 'pipelines',
        subresource: 'status',
        namespace: 'team-b',
      }),
    ).toBe(true);
  });

  it('gives the target clusters’ account Flux apps to read, no Secrets and no writes', async () => {
    const kc = as(sandbox.targetReaderToken, 'dev');
    for (const namespace of ['flux-system', 'default', ''])
      for (const verb of ['get', 'list', 'watch'])
        expect(await canI(kc, { verb, resource: 'secrets', namespace })).toBe(
          false,
        );
    const rules = await rulesIn(kc, 'flux-system');
    expect(grantsSecrets(rules)).toEqual([]);
    expect(writes(rules)).toEqual([]);
    expect(
      await canI(kc, {
        verb: 'watch',
        group: 'kustomize.toolkit.fluxcd.io',
        resource: 'kustomizations',
      }),
    ).toBe(true);
  });
});
