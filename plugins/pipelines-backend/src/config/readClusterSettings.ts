import { Config } from '@backstage/config';
import { parseServerPattern, ServerPattern } from '../clusters/serverPatterns';

/**
 * How far a Pipeline's targets may reach (`pipelines.clusters.*`). The defaults are the
 * safe ones, Flux's: no cross-namespace references (`--no-cross-namespace-refs`), kubeconfigs
 * from Secrets verify TLS, any https server.
 */
export interface TargetClusterSettings {
  /**
   * `allowCrossNamespaceRefs`, default false: a target's `clusterRef.namespace` may name
   * another namespace than the Pipeline's.
   */
  allowCrossNamespaceRefs: boolean;
  /**
   * `allowInsecureSkipTlsVerify`, default false: a kubeconfig from a Secret may set
   * `insecure-skip-tls-verify: true` or point to an `http://` server.
   */
  allowInsecureSkipTlsVerify: boolean;
  /** `allowedServers`: when set, the only API servers a kubeconfig from a Secret may name. */
  allowedServers?: ServerPattern[];
}

/** The safe defaults, for callers without config (tests, tools). */
export const DEFAULT_TARGET_CLUSTER_SETTINGS: TargetClusterSettings = {
  allowCrossNamespaceRefs: false,
  allowInsecureSkipTlsVerify: false,
};

/**
 * Reads `pipelines.clusters`.
 * @throws when a value has the wrong type, or a server pattern cannot be parsed (naming it).
 */
export function readClusterSettings(config: Config): TargetClusterSettings {
  const patterns = config.getOptionalStringArray(
    'pipelines.clusters.allowedServers',
  );
  return {
    allowCrossNamespaceRefs:
      config.getOptionalBoolean('pipelines.clusters.allowCrossNamespaceRefs') ??
      false,
    allowInsecureSkipTlsVerify:
      config.getOptionalBoolean(
        'pipelines.clusters.allowInsecureSkipTlsVerify',
      ) ?? false,
    allowedServers: patterns?.map((p, i) => {
      try {
        return parseServerPattern(p);
      } catch (e) {
        throw new Error(
          `pipelines.clusters.allowedServers[${i}]: ${(e as Error).message}`,
        );
      }
    }),
  };
}

/** The start-up warnings for settings that widen what a tenant's Pipeline can reach. */
export function clusterSettingsWarnings(
  settings: TargetClusterSettings,
): string[] {
  const warnings: string[] = [];
  if (settings.allowCrossNamespaceRefs) {
    warnings.push(
      "pipelines.clusters.allowCrossNamespaceRefs is true: a Pipeline may use the GitopsClusters (and so the kubeconfig Secrets) of any namespace, not only its own — whoever can write a Pipeline anywhere can watch every such cluster's apps through the portal's credentials",
    );
  }
  if (settings.allowInsecureSkipTlsVerify) {
    warnings.push(
      "pipelines.clusters.allowInsecureSkipTlsVerify is true: kubeconfigs from Secrets may turn off the check of the API server's certificate or use http://, so their tokens can be read or replayed by anyone on the network path",
    );
  }
  if (settings.allowedServers && !settings.allowedServers.length) {
    warnings.push(
      'pipelines.clusters.allowedServers is an empty list: every kubeconfig from a Secret is refused (targets on GitopsClusters are not ready)',
    );
  }
  return warnings;
}
