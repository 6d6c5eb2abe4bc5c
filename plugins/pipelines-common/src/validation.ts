import {
  APP_KINDS,
  GITOPS_CLUSTER_KIND,
  PIPELINE_API_VERSION,
  PIPELINE_KIND,
} from './constants';
import { REPOSITORY_URL_PATTERN } from './names';
import { GIT_PROVIDER_TYPES, Pipeline } from './types';
import { validatePipelineAnnotations } from './pipelineAnnotations';
import { checkPipelineCaps } from './pipelineCaps';
import {
  Checker,
  dnsLabel,
  dnsSubdomain,
  Json,
  matches,
} from './validationChecker';

/** One problem found in a Pipeline, with the JSON path of the offending field. @public */
export interface ValidationIssue {
  /** e.g. `spec.environments[1].targets[0].namespace` */
  path: string;
  /** e.g. `required` */
  message: string;
}

/** @public */
export type PipelineValidationResult =
  | { valid: true; pipeline: Pipeline; issues: [] }
  | { valid: false; issues: ValidationIssue[] };

/** `spec.environments[1].targets[0].namespace: required` @public */
export function formatValidationIssue(issue: ValidationIssue): string {
  return `${issue.path || '(root)'}: ${issue.message}`;
}

/**
 * Environment names end up in webhook paths and branch names. The pattern accepts
 * every name seen in pipeline-controller's documentation (`dev`, `staging-eu`, `prod`).
 * Kept equal to the CRD's pattern by a test.
 * @public
 */
export const ENVIRONMENT_NAME_PATTERN =
  '^[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$';
/** @public */
export const ENVIRONMENT_NAME_MAX_LENGTH = 63;
/** A git branch name, loosely: no whitespace or characters git forbids in refs. @public */
export const BRANCH_NAME_PATTERN = '^[^\\s~^:?*\\[\\\\]+$';
/** `group/version`, e.g. `helm.toolkit.fluxcd.io/v2beta1`. @public */
export const API_VERSION_PATTERN =
  '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?/v[0-9]+((alpha|beta)[0-9]+)?$';

const checkRepositoryUrl = (v: string): string | undefined => {
  const bad = `"${v}" is not a valid repository URL: expected http(s)://host/path`;
  if (!new RegExp(REPOSITORY_URL_PATTERN).test(v)) return bad;
  try {
    const url = new URL(v);
    return url.hostname ? undefined : bad;
  } catch {
    return bad;
  }
};

function checkSecretRef(
  c: Checker,
  parent: Json,
  key: string,
  path: string,
  required: boolean,
) {
  const ref = c.object(parent, key, path, required);
  if (ref)
    c.string(ref, 'name', `${path}.name`, {
      required: true,
      check: dnsSubdomain('Secret name'),
    });
}

function checkPromotion(c: Checker, parent: Json, path: string) {
  const promotion = c.object(parent, 'promotion', path, false);
  if (!promotion) return;
  if (promotion.manual !== undefined && typeof promotion.manual !== 'boolean') {
    c.add(`${path}.manual`, 'must be true or false');
  }
  const strategyPath = `${path}.strategy`;
  const strategy = c.object(promotion, 'strategy', strategyPath, true);
  if (!strategy) return;
  const hasPr =
    strategy['pull-request'] !== undefined && strategy['pull-request'] !== null;
  const hasNotification =
    strategy.notification !== undefined && strategy.notification !== null;
  if (hasPr && hasNotification) {
    c.add(
      strategyPath,
      'pull-request and notification are mutually exclusive: set exactly one of them',
    );
  } else if (!hasPr && !hasNotification) {
    c.add(strategyPath, 'must set one of pull-request, notification');
  }
  const prPath = `${strategyPath}.pull-request`;
  const pr = c.object(strategy, 'pull-request', prPath, false);
  if (pr) {
    c.oneOf(pr, 'type', `${prPath}.type`, GIT_PROVIDER_TYPES);
    c.string(pr, 'url', `${prPath}.url`, {
      required: true,
      check: checkRepositoryUrl,
    });
    c.string(pr, 'baseBranch', `${prPath}.baseBranch`, {
      required: true,
      check: matches(
        BRANCH_NAME_PATTERN,
        v => `"${v}" is not a valid branch name`,
      ),
    });
    checkSecretRef(c, pr, 'secretRef', `${prPath}.secretRef`, true);
  }
  c.object(strategy, 'notification', `${strategyPath}.notification`, false);
  checkSecretRef(c, strategy, 'secretRef', `${strategyPath}.secretRef`, false);
}

function checkTarget(c: Checker, value: unknown, path: string) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    c.add(path, 'must be an object');
    return;
  }
  const target = value as Json;
  c.string(target, 'namespace', `${path}.namespace`, {
    required: true,
    check: dnsLabel('namespace'),
  });
  const refPath = `${path}.clusterRef`;
  const ref = c.object(target, 'clusterRef', refPath, false);
  if (!ref) return;
  c.string(ref, 'apiVersion', `${refPath}.apiVersion`, {
    required: false,
    check: matches(
      API_VERSION_PATTERN,
      v => `"${v}" is not a valid apiVersion (group/version)`,
    ),
  });
  c.oneOf(ref, 'kind', `${refPath}.kind`, [GITOPS_CLUSTER_KIND]);
  c.string(ref, 'name', `${refPath}.name`, {
    required: true,
    check: dnsSubdomain('cluster name'),
  });
  c.string(ref, 'namespace', `${refPath}.namespace`, {
    required: false,
    check: dnsLabel('namespace'),
  });
}

function checkEnvironments(c: Checker, spec: Json) {
  const environments = c.array(spec, 'environments', 'spec.environments');
  if (!environments) return;
  if (environments.length === 0) {
    c.add('spec.environments', 'must list at least one environment');
    return;
  }
  const firstIndexByName = new Map<string, number>();
  environments.forEach((value, i) => {
    const path = `spec.environments[${i}]`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      c.add(path, 'must be an object');
      return;
    }
    const env = value as Json;
    const name = c.string(env, 'name', `${path}.name`, {
      required: true,
      check: matches(ENVIRONMENT_NAME_PATTERN, v =>
        v.length > ENVIRONMENT_NAME_MAX_LENGTH
          ? `"${v}" is longer than ${ENVIRONMENT_NAME_MAX_LENGTH} characters`
          : `"${v}" is not a valid environment name: letters, digits, '-', '_' and '.', starting and ending with a letter or digit`,
      ),
    });
    if (name && name.length > ENVIRONMENT_NAME_MAX_LENGTH) {
      c.add(
        `${path}.name`,
        `"${name}" is longer than ${ENVIRONMENT_NAME_MAX_LENGTH} characters`,
      );
    } else if (name !== undefined) {
      const first = firstIndexByName.get(name);
      if (first !== undefined) {
        c.add(
          `${path}.name`,
          `duplicate environment name "${name}" (also spec.environments[${first}].name)`,
        );
      } else {
        firstIndexByName.set(name, i);
      }
    }
    const targets = c.array(env, 'targets', `${path}.targets`);
    if (targets && targets.length === 0) {
      c.add(`${path}.targets`, 'must list at least one target');
    }
    targets?.forEach((t, j) => checkTarget(c, t, `${path}.targets[${j}]`));
    checkPromotion(c, env, `${path}.promotion`);
  });
}

/**
 * Validates a parsed Pipeline document (YAML or JSON) against the
 * `pipelines.weave.works/v1alpha1` schema and the rules the CRD cannot express
 * (unique environment names, exclusive strategies, the {@link PIPELINE_CAPS}). Returns the typed Pipeline or every
 * issue found, each with the path of the field.
 * @public
 */
export function validatePipeline(input: unknown): PipelineValidationResult {
  const c = new Checker();
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      valid: false,
      issues: [{ path: '', message: 'must be an object' }],
    };
  }
  const doc = input as Json;
  c.string(doc, 'apiVersion', 'apiVersion', {
    required: true,
    check: v =>
      v === PIPELINE_API_VERSION
        ? undefined
        : `must be ${PIPELINE_API_VERSION} (got "${v}")`,
  });
  c.string(doc, 'kind', 'kind', {
    required: true,
    check: v =>
      v === PIPELINE_KIND ? undefined : `must be ${PIPELINE_KIND} (got "${v}")`,
  });
  const metadata = c.object(doc, 'metadata', 'metadata', true);
  if (metadata) {
    c.string(metadata, 'name', 'metadata.name', {
      required: true,
      check: dnsSubdomain('name'),
    });
    c.string(metadata, 'namespace', 'metadata.namespace', {
      required: false,
      check: dnsLabel('namespace'),
    });
  }
  const spec = c.object(doc, 'spec', 'spec', true);
  if (spec) {
    const appRef = c.object(spec, 'appRef', 'spec.appRef', true);
    if (appRef) {
      c.string(appRef, 'apiVersion', 'spec.appRef.apiVersion', {
        required: true,
        check: matches(
          API_VERSION_PATTERN,
          v => `"${v}" is not a valid apiVersion (group/version)`,
        ),
      });
      c.oneOf(appRef, 'kind', 'spec.appRef.kind', APP_KINDS);
      c.string(appRef, 'name', 'spec.appRef.name', {
        required: true,
        check: dnsSubdomain('name'),
      });
    }
    checkEnvironments(c, spec);
    checkPromotion(c, spec, 'spec.promotion');
    c.issues.push(
      ...checkPipelineCaps(
        spec,
        typeof metadata?.namespace === 'string'
          ? metadata.namespace
          : undefined,
      ),
    );
  }
  const environments = Array.isArray(spec?.environments)
    ? (spec!.environments as Json[]).map(e => String(e?.name ?? ''))
    : [];
  c.issues.push(
    ...validatePipelineAnnotations(
      (metadata as Json | undefined)?.annotations,
      environments,
    ),
  );
  if (c.issues.length > 0) return { valid: false, issues: c.issues };
  return { valid: true, pipeline: input as unknown as Pipeline, issues: [] };
}
