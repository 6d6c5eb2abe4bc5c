// Test fixtures: loaded by tests only, so the yaml dev dependency is enough.
// eslint-disable-next-line @backstage/no-undeclared-imports
import { parse } from 'yaml';
import fs from 'fs';
import path from 'path';

/** The seed's own example, parsed fresh for each use. */
export function seedPipeline(): any {
  return parse(
    fs.readFileSync(path.join(__dirname, 'podinfo-02.yaml'), 'utf8'),
  );
}

export interface CorpusCase {
  name: string;
  doc: unknown;
  /** Expected issues, formatted `path: message` (prefix match); empty when valid. */
  issues: string[];
}

function variant(edit: (p: any) => void): any {
  const p = seedPipeline();
  edit(p);
  return p;
}

const env0 = (p: any) => p.spec.environments[0];
const pr = (p: any) => p.spec.promotion.strategy['pull-request'];

/**
 * Valid and invalid Pipelines. The validator must report exactly these issues, and
 * the CRD schema must accept exactly the valid ones (src/crd.test.ts).
 */
export const corpus: CorpusCase[] = [
  // --- valid ---
  { name: 'the seed example podinfo-02', doc: seedPipeline(), issues: [] },
  {
    name: 'local targets without clusterRef',
    doc: variant(p =>
      p.spec.environments.forEach((e: any) =>
        e.targets.forEach((t: any) => delete t.clusterRef),
      ),
    ),
    issues: [],
  },
  {
    name: 'Kustomization app',
    doc: variant(p => {
      p.spec.appRef = {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        name: 'podinfo',
      };
    }),
    issues: [],
  },
  {
    name: 'HelmRelease v2',
    doc: variant(p => (p.spec.appRef.apiVersion = 'helm.toolkit.fluxcd.io/v2')),
    issues: [],
  },
  {
    name: 'no promotion at all',
    doc: variant(p => delete p.spec.promotion),
    issues: [],
  },
  {
    name: 'notification strategy with HMAC secret',
    doc: variant(
      p =>
        (p.spec.promotion = {
          strategy: { notification: {}, secretRef: { name: 'hmac' } },
        }),
    ),
    issues: [],
  },
  {
    name: 'manual promotion on the pipeline',
    doc: variant(p => (p.spec.promotion.manual = true)),
    issues: [],
  },
  {
    name: 'manual promotion on one environment',
    doc: variant(
      p =>
        (p.spec.environments[2].promotion = {
          manual: true,
          strategy: { notification: {} },
        }),
    ),
    issues: [],
  },
  {
    name: 'gitlab pull requests',
    doc: variant(p => (pr(p).type = 'gitlab')),
    issues: [],
  },
  {
    name: 'bitbucket-server pull requests over http',
    doc: variant(p => {
      pr(p).type = 'bitbucket-server';
      pr(p).url = 'http://127.0.0.1:7990/scm/proj/repo.git';
    }),
    issues: [],
  },
  {
    name: 'one environment',
    doc: variant(p => p.spec.environments.splice(1)),
    issues: [],
  },
  {
    name: 'no metadata.namespace (kubectl defaults it)',
    doc: variant(p => delete p.metadata.namespace),
    issues: [],
  },
  {
    name: 'clusterRef with apiVersion and without namespace',
    doc: variant(p => {
      env0(p).targets[0].clusterRef = {
        apiVersion: 'gitops.weave.works/v1alpha1',
        kind: 'GitopsCluster',
        name: 'dev',
      };
    }),
    issues: [],
  },
  {
    name: 'unknown fields are ignored (the API server prunes them)',
    doc: variant(p => (p.spec.somethingElse = 1)),
    issues: [],
  },
  {
    name: 'base branch with slashes',
    doc: variant(p => (pr(p).baseBranch = 'release/2024-01')),
    issues: [],
  },
  // --- invalid ---
  {
    name: 'not an object',
    doc: 'pipeline',
    issues: ['(root): must be an object'],
  },
  {
    name: 'no spec',
    doc: variant(p => delete p.spec),
    issues: ['spec: required'],
  },
  {
    name: 'no appRef',
    doc: variant(p => delete p.spec.appRef),
    issues: ['spec.appRef: required'],
  },
  {
    name: 'appRef without name',
    doc: variant(p => delete p.spec.appRef.name),
    issues: ['spec.appRef.name: required'],
  },
  {
    name: 'appRef without apiVersion',
    doc: variant(p => delete p.spec.appRef.apiVersion),
    issues: ['spec.appRef.apiVersion: required'],
  },
  {
    name: 'appRef of an unsupported kind',
    doc: variant(p => (p.spec.appRef.kind = 'Deployment')),
    issues: [
      'spec.appRef.kind: must be one of HelmRelease, Kustomization (got "Deployment")',
    ],
  },
  {
    name: 'malformed appRef apiVersion',
    doc: variant(p => (p.spec.appRef.apiVersion = 'helm release')),
    issues: [
      'spec.appRef.apiVersion: "helm release" is not a valid apiVersion',
    ],
  },
  {
    name: 'no environments',
    doc: variant(p => delete p.spec.environments),
    issues: ['spec.environments: required'],
  },
  {
    name: 'empty environments',
    doc: variant(p => (p.spec.environments = [])),
    issues: ['spec.environments: must list at least one environment'],
  },
  {
    name: 'environments is not a list',
    doc: variant(p => (p.spec.environments = { dev: {} })),
    issues: ['spec.environments: must be a list'],
  },
  {
    name: 'environment without name',
    doc: variant(p => delete p.spec.environments[1].name),
    issues: ['spec.environments[1].name: required'],
  },
  {
    name: 'environment without targets',
    doc: variant(p => delete p.spec.environments[1].targets),
    issues: ['spec.environments[1].targets: required'],
  },
  {
    name: 'environment with an empty target list',
    doc: variant(p => (p.spec.environments[2].targets = [])),
    issues: ['spec.environments[2].targets: must list at least one target'],
  },
  {
    name: 'duplicate environment names',
    doc: variant(p => (p.spec.environments[2].name = 'dev')),
    issues: [
      'spec.environments[2].name: duplicate environment name "dev" (also spec.environments[0].name)',
    ],
  },
  {
    name: 'environment name with a space',
    doc: variant(p => (p.spec.environments[0].name = 'my dev')),
    issues: [
      'spec.environments[0].name: "my dev" is not a valid environment name',
    ],
  },
  {
    name: 'target without namespace',
    doc: variant(p => delete p.spec.environments[1].targets[0].namespace),
    issues: ['spec.environments[1].targets[0].namespace: required'],
  },
  {
    name: 'target namespace with upper case',
    doc: variant(
      p => (p.spec.environments[1].targets[1].namespace = 'Podinfo'),
    ),
    issues: [
      'spec.environments[1].targets[1].namespace: "Podinfo" is not a valid namespace',
    ],
  },
  {
    name: 'target namespace too long',
    doc: variant(p => (env0(p).targets[0].namespace = 'a'.repeat(64))),
    issues: ['spec.environments[0].targets[0].namespace: "aaaa'],
  },
  {
    name: 'clusterRef without name',
    doc: variant(p => delete env0(p).targets[0].clusterRef.name),
    issues: ['spec.environments[0].targets[0].clusterRef.name: required'],
  },
  {
    name: 'clusterRef without kind',
    doc: variant(p => delete env0(p).targets[0].clusterRef.kind),
    issues: ['spec.environments[0].targets[0].clusterRef.kind: required'],
  },
  {
    name: 'clusterRef of another kind',
    doc: variant(p => (env0(p).targets[0].clusterRef.kind = 'Cluster')),
    issues: [
      'spec.environments[0].targets[0].clusterRef.kind: must be one of GitopsCluster (got "Cluster")',
    ],
  },
  {
    name: 'clusterRef namespace with an underscore',
    doc: variant(
      p => (env0(p).targets[0].clusterRef.namespace = 'flux_system'),
    ),
    issues: [
      'spec.environments[0].targets[0].clusterRef.namespace: "flux_system" is not a valid namespace',
    ],
  },
  {
    name: 'invalid metadata.name',
    doc: variant(p => (p.metadata.name = 'Podinfo_02')),
    issues: ['metadata.name: "Podinfo_02" is not a valid name'],
  },
  {
    name: 'wrong kind',
    doc: variant(p => (p.kind = 'Pipelines')),
    issues: ['kind: must be Pipeline (got "Pipelines")'],
  },
  {
    name: 'wrong apiVersion',
    doc: variant(p => (p.apiVersion = 'pipelines.weave.works/v1')),
    issues: [
      'apiVersion: must be pipelines.weave.works/v1alpha1 (got "pipelines.weave.works/v1")',
    ],
  },
  {
    name: 'strategy with both pull-request and notification',
    doc: variant(p => (p.spec.promotion.strategy.notification = {})),
    issues: [
      'spec.promotion.strategy: pull-request and notification are mutually exclusive',
    ],
  },
  {
    name: 'strategy with neither pull-request nor notification',
    doc: variant(
      p => (p.spec.promotion.strategy = { secretRef: { name: 'hmac' } }),
    ),
    issues: [
      'spec.promotion.strategy: must set one of pull-request, notification',
    ],
  },
  {
    name: 'promotion without strategy',
    doc: variant(p => (p.spec.promotion = { manual: true })),
    issues: ['spec.promotion.strategy: required'],
  },
  {
    name: 'manual is not a boolean',
    doc: variant(p => (p.spec.promotion.manual = 'yes')),
    issues: ['spec.promotion.manual: must be true or false'],
  },
  {
    name: 'unknown git provider type',
    doc: variant(p => (pr(p).type = 'gitea')),
    issues: [
      'spec.promotion.strategy.pull-request.type: must be one of github, gitlab, bitbucket-server (got "gitea")',
    ],
  },
  {
    name: 'pull request without url',
    doc: variant(p => delete pr(p).url),
    issues: ['spec.promotion.strategy.pull-request.url: required'],
  },
  {
    name: 'pull request with an ssh url',
    doc: variant(p => (pr(p).url = 'git@github.com:my-org/my-repo.git')),
    issues: [
      'spec.promotion.strategy.pull-request.url: "git@github.com:my-org/my-repo.git" is not a valid repository URL',
    ],
  },
  {
    name: 'pull request url with a space',
    doc: variant(p => (pr(p).url = 'https://github.com/my org/repo')),
    issues: [
      'spec.promotion.strategy.pull-request.url: "https://github.com/my org/repo" is not a valid repository URL',
    ],
  },
  {
    name: 'pull request without baseBranch',
    doc: variant(p => delete pr(p).baseBranch),
    issues: ['spec.promotion.strategy.pull-request.baseBranch: required'],
  },
  {
    name: 'pull request with an empty baseBranch',
    doc: variant(p => (pr(p).baseBranch = '')),
    issues: ['spec.promotion.strategy.pull-request.baseBranch: required'],
  },
  {
    name: 'pull request without secretRef',
    doc: variant(p => delete pr(p).secretRef),
    issues: ['spec.promotion.strategy.pull-request.secretRef: required'],
  },
  {
    name: 'pull request secretRef without name',
    doc: variant(p => (pr(p).secretRef = {})),
    issues: ['spec.promotion.strategy.pull-request.secretRef.name: required'],
  },
  {
    name: 'environment promotion with both strategies',
    doc: variant(p => {
      p.spec.environments[1].promotion = {
        strategy: { notification: {}, 'pull-request': { ...pr(p) } },
      };
    }),
    issues: [
      'spec.environments[1].promotion.strategy: pull-request and notification are mutually exclusive',
    ],
  },
  {
    name: 'several problems at once are all reported',
    doc: variant(p => {
      delete p.spec.appRef.kind;
      delete p.spec.environments[1].targets[0].namespace;
      pr(p).type = 'svn';
    }),
    issues: [
      'spec.appRef.kind: required',
      'spec.environments[1].targets[0].namespace: required',
      'spec.promotion.strategy.pull-request.type: must be one of',
    ],
  },
];
