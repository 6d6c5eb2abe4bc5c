import { apply, helmRelease } from '@gitops-pipelines/sandbox';
import { KubernetesObject } from '@kubernetes/client-node';
import {
  applyManagement,
  Attack,
  ledger,
  pipelinePath,
  SecurityContext,
} from '../context';
import { APP, ENTITIES, pipeline, signedNotification } from '../fixtures';
import { decidedTargets } from './kubeconfig';

/*
 * A compromised target cluster reports what it likes about its apps. Here its dev
 * HelmRelease "runs" a hostile version, Ready (the Flux stand-in reports the spec's version):
 * the level trigger must not carry it into the next environment.
 */

const REPORTED: Array<[string, string]> = [
  ['zero-width', '9.9.9\u200b'],
  ['leading-dash', '-9.9.9'],
  ['newline', '9.9.9\nSigned-off-by: mallory'],
];

const name = (id: string) => `sec-target-${id}`;
const namespace = (id: string) => `sec-target-${id}`;

/** The reporting apps on the dev cluster and the pipelines that watch them (level trigger on). */
export async function applyClusterAttacks(ctx: SecurityContext) {
  await apply(
    ctx.sandbox.clusters.dev.admin,
    REPORTED.flatMap(([id, version]) => [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace(id) },
      },
      helmRelease(namespace(id), version, APP),
    ]) as KubernetesObject[],
  );
  await applyManagement(
    ctx,
    REPORTED.map(([id]) =>
      pipeline(name(id), {
        entity: ENTITIES.guestApp,
        strategy: signedNotification,
        targetNamespace: { dev: namespace(id) },
        annotations: { 'pipelines.weave.works/level-trigger': 'true' },
      }),
    ),
  );
}

export const clusterAttacks: Attack[] = REPORTED.map(
  ([id, version]): Attack => ({
    id: `target-reports-${id}-version`,
    tried: `a target cluster reports its app Ready at ${JSON.stringify(
      version,
    )} (level trigger on)`,
    run: async ctx => {
      const targets = await decidedTargets(ctx, pipelinePath(name(id)));
      // Only dev reports the hostile version (test → prod may rightly promote test's 1.1.0).
      const rows = (await ledger(ctx, name(id))).filter(
        r => r.toEnvironment === 'test',
      );
      const dev = targets?.find(t => t.namespace === namespace(id));
      return {
        refused: Boolean(targets) && rows.length === 0,
        happened: `${rows.length} promotion(s) into test${
          rows.length ? ` (${JSON.stringify(rows[0].version)})` : ''
        }; dev shown as ${
          dev
            ? `${dev.health} ${JSON.stringify(dev.version ?? null)}`
            : 'undecided'
        }`,
      };
    },
  }),
);
