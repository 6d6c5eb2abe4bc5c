import Ajv from 'ajv';
import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { corpus } from './__fixtures__/corpus';
import {
  PIPELINE_API_VERSION,
  PIPELINE_GROUP,
  PIPELINE_KIND,
} from './constants';
import {
  DNS_LABEL_PATTERN,
  DNS_SUBDOMAIN_PATTERN,
  REPOSITORY_URL_PATTERN,
  isValidDnsLabel,
  isValidDnsSubdomain,
} from './names';
import {
  API_VERSION_PATTERN,
  BRANCH_NAME_PATTERN,
  ENVIRONMENT_NAME_PATTERN,
} from './validation';

const crd = parse(
  fs.readFileSync(
    path.join(__dirname, '..', 'crd', 'pipelines.weave.works_pipelines.yaml'),
    'utf8',
  ),
);
const version = crd.spec.versions[0];
const schema = version.schema.openAPIV3Schema;

/**
 * Validates like the API server does for this CRD: the OpenAPI v3 schema (with
 * `x-kubernetes-list-type: map` keys unique), plus what the API server checks itself:
 * apiVersion/kind route to the resource, metadata.name / namespace follow the name rules.
 */
function apiServerAccepts(doc: any): { ok: boolean; errors: unknown } {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    formats: { int64: true, 'date-time': true },
  });
  ajv.addKeyword({
    keyword: 'x-kubernetes-list-map-keys',
    type: 'array',
    schemaType: 'array',
    validate: (keys: string[], data: any[]) => {
      const seen = new Set(
        data.map(item => JSON.stringify(keys.map(k => item?.[k]))),
      );
      return seen.size === data.length;
    },
  });
  const valid = ajv.validate(schema, structuredClone(doc));
  if (!valid) return { ok: false, errors: ajv.errors };
  const meta =
    doc.apiVersion === PIPELINE_API_VERSION &&
    doc.kind === PIPELINE_KIND &&
    typeof doc.metadata?.name === 'string' &&
    isValidDnsSubdomain(doc.metadata.name) &&
    (doc.metadata.namespace === undefined ||
      isValidDnsLabel(doc.metadata.namespace));
  return {
    ok: meta,
    errors: meta ? null : 'apiVersion, kind or metadata rejected',
  };
}

function collectPatterns(node: any, out: Set<string> = new Set()): Set<string> {
  if (node && typeof node === 'object') {
    if (typeof node.pattern === 'string') out.add(node.pattern);
    Object.values(node).forEach(child => collectPatterns(child, out));
  }
  return out;
}

describe('the Pipeline CRD manifest', () => {
  it('defines pipelines.weave.works/v1alpha1 Pipeline with a status subresource', () => {
    expect(crd.apiVersion).toBe('apiextensions.k8s.io/v1');
    expect(crd.metadata.name).toBe(`pipelines.${PIPELINE_GROUP}`);
    expect(crd.spec.group).toBe(PIPELINE_GROUP);
    expect(crd.spec.names.kind).toBe(PIPELINE_KIND);
    expect(crd.spec.scope).toBe('Namespaced');
    expect(version.name).toBe('v1alpha1');
    expect(version.served && version.storage).toBe(true);
    expect(version.subresources).toEqual({ status: {} });
    expect(version.additionalPrinterColumns.map((c: any) => c.name)).toEqual([
      'App',
      'Ready',
      'Status',
      'Age',
    ]);
  });

  it('uses the same patterns as the validator', () => {
    expect([...collectPatterns(schema)].sort()).toEqual(
      [
        API_VERSION_PATTERN,
        DNS_LABEL_PATTERN,
        DNS_SUBDOMAIN_PATTERN,
        ENVIRONMENT_NAME_PATTERN,
        REPOSITORY_URL_PATTERN,
        BRANCH_NAME_PATTERN,
      ].sort(),
    );
  });

  it('has no $ref (Kubernetes does not support it) and only structural keywords', () => {
    expect(JSON.stringify(schema)).not.toContain('$ref');
  });

  it.each(corpus.map(c => [c.name, c] as const))(
    'agrees with the validator: %s',
    (_name, c) => {
      const result = apiServerAccepts(c.doc);
      expect({
        accepted: result.ok,
        errors: result.ok ? null : result.errors,
      }).toMatchObject({
        accepted: c.issues.length === 0,
      });
    },
  );
});
