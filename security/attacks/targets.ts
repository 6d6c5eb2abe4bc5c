import { apply, helmRelease } from '@gitops-pipelines/sandbox';
import { KubernetesObject } from '@kubernetes/client-node';
import { SecurityContext } from '../context';
import { APP, Env, TARGETS } from '../fixtures';

/** Moves `env`'s target to `version`, as a merged change would; the Flux stand-in makes it Ready. */
export async function setVersion(
  ctx: SecurityContext,
  env: Env,
  version: string,
): Promise<void> {
  const t = TARGETS[env];
  await apply(ctx.sandbox.clusters[t.cluster].admin, [
    helmRelease(t.namespace, version, APP) as KubernetesObject,
  ]);
}
