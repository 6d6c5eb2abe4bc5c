import { createHmac } from 'crypto';
import request from 'supertest';

/*
 * Pipelines, keys and Flux events for the webhook tests against the sandbox
 * (service/webhooks.test.ts): three environments, prod manual with two approvals, the
 * notification strategy, signed with Secret hook-hmac when `signed`.
 */

export const HMAC_KEY = 'issue-11-hmac-key';
export const APPROVAL_KEY = 'issue-22-approval-hmac-key';
const ref = (cluster: string) => ({
  kind: 'GitopsCluster',
  name: cluster,
  namespace: 'flux-system',
});

export function hookPipeline(
  name: string,
  options: { signed: boolean; kind?: 'HelmRelease' | 'Kustomization' },
) {
  const secretRef = options.signed ? { secretRef: { name: 'hook-hmac' } } : {};
  return {
    apiVersion: 'pipelines.weave.works/v1alpha1',
    kind: 'Pipeline',
    metadata: {
      name,
      namespace: 'flux-system',
      annotations: { 'pipelines.weave.works/required-approvals': 'prod=2' },
    },
    spec: {
      appRef:
        options.kind === 'Kustomization'
          ? {
              apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
              kind: 'Kustomization',
              name: 'apps',
            }
          : {
              apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
              kind: 'HelmRelease',
              name: 'podinfo',
            },
      environments: [
        {
          name: 'dev',
          targets: [{ namespace: `${name}-dev`, clusterRef: ref('dev') }],
        },
        {
          name: 'test',
          targets: [{ namespace: `${name}-qa`, clusterRef: ref('dev') }],
        },
        {
          name: 'prod',
          targets: [{ namespace: `${name}-prod`, clusterRef: ref('prod') }],
          promotion: {
            manual: true,
            strategy: { notification: {}, ...secretRef },
          },
        },
      ],
      promotion: { strategy: { notification: {}, ...secretRef } },
    },
  };
}

export const sign = (body: string, key = HMAC_KEY) =>
  `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
export const helmEvent = (
  revision: string,
  fields: Record<string, string> = {},
) =>
  JSON.stringify({
    involvedObject: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      name: 'podinfo',
      namespace: fields.namespace ?? 'hook-signed-dev',
      ...fields,
    },
    severity: fields.severity ?? 'info',
    reason: fields.reason ?? 'UpgradeSucceeded',
    message: 'Helm upgrade succeeded',
    metadata: { revision },
    reportingController: 'helm-controller',
  });

/** The `Webhooks` condition of a pipeline of flux-system, as the API serves it. */
export const webhooksCondition = async (server: any, name: string) =>
  (
    await request(server).get(
      `/api/pipelines/v1/pipelines/management/flux-system/${name}`,
    )
  ).body.conditions.find((c: any) => c.type === 'Webhooks');
