import type { PipelineActionPermissions } from '@gitops-pipelines/plugin-pipelines-common';

/** What a caller may do when the server said nothing (an older backend): nothing. */
export const NO_PERMISSIONS: PipelineActionPermissions = {
  create: false,
  approve: false,
  override: false,
  block: false,
};

/**
 * The server's verdict on one action (`permissions` of the pipeline detail, decided on the
 * Pipeline's own entity): the tab shows it and never computes its own decision.
 */
export function verdict(
  permissions: PipelineActionPermissions | undefined,
  action: keyof PipelineActionPermissions,
): { allowed: boolean; loading: false } {
  return { allowed: permissions?.[action] ?? false, loading: false };
}
