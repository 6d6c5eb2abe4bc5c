import fs from 'fs';
import { KubeConfig } from '@kubernetes/client-node';
import { KUBECONFIG_FIELDS } from './kubeconfigFields';
import { readKubeconfig } from './readKubeconfig';
import {
  cleanKubeconfig,
  PEM_DATA,
  refusal,
  SECRET,
  SECRET_REF,
  twoContextKubeconfig,
} from './__fixtures__/kubeconfigs';

const TOKENS_ONLY = 'pipelines accepts tokens and client certificates only';
const PREFIX = `the kubeconfig in Secret ${SECRET_REF}`;

/** Every field of a user or cluster that is refused, a value for it, and what the message says. */
const REFUSED: Array<{
  section: 'user' | 'cluster';
  field: string;
  value: unknown;
  says: string;
}> = [
  {
    section: 'user',
    field: 'exec',
    value: {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: 'sh',
      args: ['-c', `echo ${SECRET}`],
    },
    says: `uses an exec credential plugin (#); ${TOKENS_ONLY}`,
  },
  ...['oidc', 'gcp', 'azure', 'exec'].map(name => ({
    section: 'user' as const,
    field: 'auth-provider',
    value: { name, config: { 'cmd-path': 'sh', 'id-token': SECRET } },
    says: `uses an auth-provider plugin (#); ${TOKENS_ONLY}`,
  })),
  {
    section: 'user',
    field: 'auth-provider',
    value: { name: 'tokenFile', config: { tokenFile: '/etc/passwd' } },
    says: `uses an auth-provider plugin (#); ${TOKENS_ONLY}`,
  },
  ...['tokenFile', 'token-file'].map(field => ({
    section: 'user' as const,
    field,
    value: '/var/run/secrets/kubernetes.io/serviceaccount/token',
    says: 'reads its token from a local file (#); put it in token',
  })),
  {
    section: 'user',
    field: 'client-certificate',
    value: '/etc/ssl/client.crt',
    says: 'reads its client certificate from a local file (#); put it in client-certificate-data (base64) instead',
  },
  {
    section: 'user',
    field: 'client-key',
    value: '/etc/ssl/client.key',
    says: 'reads its client key from a local file (#); put it in client-key-data (base64) instead',
  },
  ...['username', 'password'].map(field => ({
    section: 'user' as const,
    field,
    value: SECRET,
    says: `uses basic authentication, which Kubernetes removed in 1.19 (#); ${TOKENS_ONLY}`,
  })),
  ...[
    ['as', 'system:admin'],
    ['as-uid', '1234'],
    ['as-groups', ['system:masters']],
    ['as-user-extra', { scopes: ['all'] }],
  ].map(([field, value]) => ({
    section: 'user' as const,
    field: field as string,
    value,
    says: 'impersonates another identity (#); give the kubeconfig the identity it should act as; pipelines does not impersonate',
  })),
  {
    section: 'cluster',
    field: 'certificate-authority',
    value: '/etc/ssl/ca.crt',
    says: 'reads its CA certificate from a local file (#); put it in certificate-authority-data (base64) instead',
  },
  ...['http://127.0.0.1:3128', 'socks5://127.0.0.1:1080'].map(value => ({
    section: 'cluster' as const,
    field: 'proxy-url',
    value,
    says: 'sends its requests through a proxy (#); pipelines connects to API servers directly',
  })),
  {
    section: 'cluster',
    field: 'insecure-skip-tls-verify',
    value: true,
    says: "turns off the check of the API server's certificate (#); give certificate-authority-data instead, or allow it with pipelines.clusters.allowInsecureSkipTlsVerify",
  },
];

describe('readKubeconfig', () => {
  it('knows every kubeconfig field client-node reads (a new one fails this test)', () => {
    const source = fs.readFileSync(
      require.resolve('@kubernetes/client-node/dist/config_types.js'),
      'utf8',
    );
    const read = new Set<string>();
    // The reading side: `elt.user['client-key']`, `elt.cluster.server`, findToken's `user['token-file']`.
    for (const m of source.matchAll(
      /(?:elt\.(user|cluster|context)(?:\[['"]([\w-]+)['"]\]|\.(\w+))|\b(user)\[['"]([\w-]+)['"]\])/g,
    )) {
      read.add(`${m[1] ?? m[4]}.${m[2] ?? m[3] ?? m[5]}`);
    }
    read.delete('user.user'); // `elt.user` itself
    expect(read.size).toBeGreaterThan(15);
    for (const key of read) {
      const [section, field] = key.split('.');
      expect([key, KUBECONFIG_FIELDS[section as 'user'][field]]).toEqual([
        key,
        expect.objectContaining({ rule: expect.any(String) }),
      ]);
    }
  });

  it.each(REFUSED.map(r => [`${r.section}.${r.field}`, r] as const))(
    'refuses %s on the current entry and on one that is not used',
    (_, { section, field, value, says }) => {
      for (const index of [0, 1]) {
        const k = twoContextKubeconfig();
        k[`${section}s`][index][section][field] = value;
        expect(refusal(k)).toBe(
          `${PREFIX} ${says.replace(
            '#',
            `${section}s[${index}].${section}.${field}`,
          )}`,
        );
      }
    },
  );

  it.each([
    ['the file', (k: any) => (k.foo = 1), 'foo'],
    ['a cluster entry', (k: any) => (k.clusters[1].foo = 1), 'clusters[1].foo'],
    [
      'a cluster',
      (k: any) => (k.clusters[1].cluster.foo = 1),
      'clusters[1].cluster.foo',
    ],
    ['a user entry', (k: any) => (k.users[1].foo = 1), 'users[1].foo'],
    ['a user', (k: any) => (k.users[1].user.foo = 1), 'users[1].user.foo'],
    ['a context entry', (k: any) => (k.contexts[1].foo = 1), 'contexts[1].foo'],
    [
      'a context',
      (k: any) => (k.contexts[1].context.foo = 1),
      'contexts[1].context.foo',
    ],
  ])('refuses a field it does not know in %s', (_, add, path) => {
    const k = twoContextKubeconfig();
    add(k);
    expect(refusal(k)).toBe(
      `${PREFIX} has a field pipelines does not know (${path}); remove it`,
    );
  });

  it('builds the KubeConfig from the current context only, with its token', async () => {
    const kc = readKubeconfig(JSON.stringify(twoContextKubeconfig()), {
      secret: SECRET_REF,
    });
    expect(kc.getClusters()).toEqual([
      {
        name: 'prod',
        server: 'https://prod.example.com:6443',
        caData: PEM_DATA,
        tlsServerName: undefined,
        skipTLSVerify: false,
      },
    ]);
    expect(kc.getUsers()).toEqual([
      {
        name: 'reader',
        token: SECRET,
        certData: undefined,
        keyData: undefined,
      },
    ]);
    expect(kc.getContexts()).toEqual([
      { name: 'prod', cluster: 'prod', user: 'reader' },
    ]);
    const opts: any = {};
    await kc.applyToHTTPSOptions(opts);
    expect(opts.headers.Authorization).toBe(`Bearer ${SECRET}`);
    expect(opts.ca.toString()).toContain('BEGIN CERTIFICATE');
  });

  it('accepts a client certificate and key, tls-server-name and harmless metadata', async () => {
    const k = cleanKubeconfig();
    k.users[0].user = {
      'client-certificate-data': PEM_DATA,
      'client-key-data': Buffer.from('KEY').toString('base64'),
      extensions: [{ name: 'x', extension: {} }],
    };
    k.clusters[0].cluster['tls-server-name'] = 'kubernetes';
    k.clusters[0].cluster['insecure-skip-tls-verify'] = false;
    k.clusters[0].cluster['disable-compression'] = true;
    k.contexts[0].context.namespace = 'apps';
    k.preferences = {};
    k.extensions = [];
    const kc = readKubeconfig(JSON.stringify(k), { secret: SECRET_REF });
    const opts: any = {};
    await kc.applyToHTTPSOptions(opts);
    expect(opts.cert.toString()).toContain('BEGIN CERTIFICATE');
    expect(opts.key.toString()).toBe('KEY');
    expect(opts.servername).toBe('kubernetes');
    expect(opts.headers?.Authorization).toBeUndefined();
  });

  it("reads client-node's own exportConfig() output (the sandbox's GitopsCluster Secrets)", () => {
    const source = new KubeConfig();
    source.loadFromOptions({
      clusters: [
        {
          name: 'dev',
          server: 'https://127.0.0.1:6443',
          caData: PEM_DATA,
          skipTLSVerify: false,
        },
      ],
      users: [{ name: 'gitops-pipelines-reader', token: SECRET }],
      contexts: [
        { name: 'dev', cluster: 'dev', user: 'gitops-pipelines-reader' },
      ],
      currentContext: 'dev',
    });
    const kc = readKubeconfig(source.exportConfig(), { secret: SECRET_REF });
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    expect(kc.getCurrentUser()?.token).toBe(SECRET);
  });

  it('treats a null field as absent', () => {
    const k = cleanKubeconfig();
    k.users[0].user.exec = null;
    k.clusters[0].cluster['proxy-url'] = null;
    expect(refusal(k)).toBeUndefined();
  });
});
