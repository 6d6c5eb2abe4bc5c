import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { ScmIntegrations } from '@backstage/integration';
import { Forges, readForgesConfig } from '../config/forges';

/** Backstage's integrations of a config with these `integrations`. */
export function testIntegrations(integrations: JsonObject) {
  return ScmIntegrations.fromConfig(new ConfigReader({ integrations }));
}

/**
 * The forges of a config with `pipelines.forges` and `integrations` as given, read as the
 * plugin reads them: e.g. `testForges({ allowedHosts: [forge.url] })` for the sandbox forge
 * (http on 127.0.0.1, so written with its scheme).
 */
export function testForges(
  forges: { allowedHosts?: string[]; credentials?: string } & JsonObject,
  integrations?: JsonObject,
): Forges {
  const config = new ConfigReader({
    pipelines: { forges },
    ...(integrations ? { integrations } : {}),
  });
  return readForgesConfig(config, ScmIntegrations.fromConfig(config));
}
