import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DEFAULT_OBJECTS } from '@backstage/plugin-kubernetes-backend';
import {
  Sandbox,
  sandboxAppConfig,
  waitUntil,
} from '@gitops-pipelines/sandbox';
import type { PipelineDetail } from '@gitops-pipelines/plugin-pipelines-common';
import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  V1ResourceAttributes,
} from '@kubernetes/client-node';
import request from 'supertest';
import { kubeConfigForManagementCluster } from '../clusters/kubeConfigs';
import { readManagementClusters } from '../config/readManagementClusters';
import { ConfigReader } from '@backstage/config';
import { pipelinesPlugin } from '../plugin';

jest.setTimeout(150_000);

/**
 * Issue 22 §5 on the demo's own config (`sandboxAppConfig`, what `npm run sandbox` writes to
 * app-config.local.yaml): the Kubernetes plugin gets an account that reads every object type it
 * fetches and no Secret, the pipelines backend its own, with which it still reaches its targets
 * through the kubeconfig Secrets of the Pipelines' namespace.
 *
 * The Kubernetes plugin's proxy route itself (`/api/kubernetes/proxy/…` as guest) is attacked by
 * the security suite against the running demo (`npm run security`): the plugin loads
 * @kubernetes/client-node with a dynamic `import()`, which jest's module VM cannot run.
 */
describe("the demo's accounts", () => {
  let sandbox: Sandbox;
  let config: ReturnType<typeof sandboxAppConfig>;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ fluxDelayMs: 200 });
    config = sandboxAppConfig(sandbox);
  });
  afterAll(() => sandbox?.stop());

  /** The ServiceAccount a cluster entry of the config authenticates as, and its can-i. */
  const account = (entry: {
    name: string;
    url: string;
    caData: string;
    serviceAccountToken: string;
  }) => {
    const kc = kubeConfigForManagementCluster({
      ...entry,
      skipTLSVerify: false,
    });
    return {
      whoami: async () =>
        (
          await sandbox.clusters.management.admin
            .makeApiClient(AuthenticationV1Api)
            .createTokenReview({
              body: { spec: { token: entry.serviceAccountToken } },
            })
        ).status!.user!.username,
      canI: async (attributes: V1ResourceAttributes) =>
        (
          await kc
            .makeApiClient(AuthorizationV1Api)
            .createSelfSubjectAccessReview({
              body: { spec: { resourceAttributes: attributes } },
            })
        ).status!.allowed,
    };
  };

  it('gives each plugin its own account, never the same token', async () => {
    const kubernetes = config.kubernetes.clusterLocatorMethods[0].clusters[0];
    const pipelines = config.pipelines.managementClusters[0];
    expect(kubernetes.serviceAccountToken).not.toBe(
      pipelines.serviceAccountToken,
    );
    expect(await account(kubernetes).whoami()).toBe(
      'system:serviceaccount:backstage:kubernetes-plugin-reader',
    );
    expect(await account(pipelines).whoami()).toBe(
      'system:serviceaccount:backstage:gitops-pipelines',
    );
    // The pipelines backend reads its own entry, not the Kubernetes plugin's.
    const read = readManagementClusters(new ConfigReader(config));
    expect(read.source).toBe('pipelines.managementClusters');
    expect(read.clusters.map(c => c.serviceAccountToken)).toEqual([
      pipelines.serviceAccountToken,
    ]);
  });

  it("lets the Kubernetes plugin's account list every object type the plugin fetches, and no Secret", async () => {
    const kubernetes = account(
      config.kubernetes.clusterLocatorMethods[0].clusters[0],
    );
    for (const o of DEFAULT_OBJECTS) {
      for (const verb of ['list', 'watch']) {
        const allowed = await kubernetes.canI({
          verb,
          group: o.group,
          resource: o.plural,
        });
        expect({ plural: o.plural, verb, allowed }).toEqual({
          plural: o.plural,
          verb,
          allowed: true,
        });
      }
    }
    for (const namespace of ['flux-system', 'backstage', 'default', '']) {
      for (const verb of ['get', 'list', 'watch']) {
        const allowed = await kubernetes.canI({
          verb,
          resource: 'secrets',
          namespace,
        });
        expect({ namespace, verb, allowed }).toEqual({
          namespace,
          verb,
          allowed: false,
        });
      }
    }
  });

  it("runs the pipelines backend on its own account: targets reached through flux-system's kubeconfig Secrets", async () => {
    const backend = await startTestBackend({
      features: [
        pipelinesPlugin,
        mockServices.rootConfig.factory({
          data: {
            ...config,
            pipelines: { ...config.pipelines, writeStatus: false },
          },
        }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    try {
      const detail = await waitUntil(
        async () => {
          const res = await request(backend.server).get(
            '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02',
          );
          const d = res.body as PipelineDetail;
          return res.status === 200 &&
            d.environments.every(e => e.targets.every(t => t.appFound))
            ? d
            : undefined;
        },
        'podinfo-02 with every target found',
        60_000,
      );
      expect(
        detail.environments.flatMap(e => e.targets.map(t => t.cluster)),
      ).toEqual(
        expect.arrayContaining(['flux-system/dev', 'flux-system/prod']),
      );
      const text = JSON.stringify(detail);
      for (const secret of [
        sandbox.pipelinesToken,
        sandbox.targetReaderToken,
        sandbox.forgeUser!.password,
        sandbox.forgeUser!.token,
      ])
        expect(text).not.toContain(secret);
    } finally {
      await backend.stop();
    }
  });
});
