import type { PipelineObject } from '../watch/ManagementWatchers';

/**
 * The namespaces whose Secrets promotions of a Pipeline read: the Pipeline's own namespace
 * when any of its promotion strategies (the pipeline's or an environment's) names a
 * `secretRef` (the webhook's `hmac-key`) or opens pull requests (the forge credentials, in the
 * pull-request strategy's `secretRef`). Given to the watch cache, which then serves those
 * Secrets from memory (`getSecretValue`) without knowing what they are for.
 */
export function promotionSecretNamespaces(pipeline: PipelineObject): string[] {
  const namespace = pipeline.metadata?.namespace;
  if (!namespace) return [];
  const strategies = [
    pipeline.spec?.promotion,
    ...(pipeline.spec?.environments ?? []).map(e => e?.promotion),
  ];
  return strategies.some(
    s => s?.strategy?.secretRef || s?.strategy?.['pull-request'],
  )
    ? [namespace]
    : [];
}
