import {
  ApiextensionsV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  loadAllYaml,
} from '@kubernetes/client-node';
import fs from 'fs';
import { waitFor } from './ports';

/** A kubeconfig for one cluster and one bearer token. */
export function kubeConfigFor(options: {
  name: string;
  server: string;
  caData: string;
  token: string;
  user?: string;
}): KubeConfig {
  const kc = new KubeConfig();
  const user = options.user ?? `${options.name}-admin`;
  kc.loadFromOptions({
    clusters: [
      {
        name: options.name,
        server: options.server,
        caData: options.caData,
        skipTLSVerify: false,
      },
    ],
    users: [{ name: user, token: options.token }],
    contexts: [{ name: options.name, cluster: options.name, user }],
    currentContext: options.name,
  });
  return kc;
}

/**
 * Every document of a YAML file, as client-node's typed models: KubernetesObjectApi
 * serializes through them, and a plain object would lose fields whose JSON names differ
 * from the model's (e.g. `x-kubernetes-preserve-unknown-fields`).
 */
export function readManifests(file: string): KubernetesObject[] {
  return loadAllYaml(fs.readFileSync(file, 'utf8')).filter(
    Boolean,
  ) as KubernetesObject[];
}

/** Creates the objects, or replaces those that exist (like `kubectl apply` for a fresh cluster). */
export async function apply(
  kc: KubeConfig,
  objects: KubernetesObject[],
): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  for (const obj of objects) {
    try {
      const existing = await client.read({
        apiVersion: obj.apiVersion!,
        kind: obj.kind!,
        metadata: {
          name: obj.metadata!.name!,
          namespace: obj.metadata!.namespace!,
        },
      });
      await client.replace({
        ...obj,
        metadata: {
          ...obj.metadata,
          resourceVersion: existing.metadata?.resourceVersion,
        },
      });
    } catch (e: any) {
      if (e?.code !== 404) throw e;
      await client.create(obj);
    }
  }
}

/** Waits until the CRDs are Established, so their resources can be used. */
export async function waitForCrds(
  kc: KubeConfig,
  names: string[],
): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  await waitFor(
    async () => {
      for (const name of names) {
        const crd = await api.readCustomResourceDefinition({ name });
        const established = crd.status?.conditions?.find(
          c => c.type === 'Established',
        );
        if (established?.status !== 'True') return false;
      }
      return true;
    },
    {
      timeoutMs: 30_000,
      describe: () => `CRDs not established: ${names.join(', ')}`,
    },
  );
}
