/**
 * What the strict kubeconfig reader does with each field of a kubeconfig read from a Secret
 * (`readKubeconfig.ts`). The table covers every field of client-go's kubeconfig (`Config`,
 * `Cluster`, `AuthInfo`, `Context`) and every one @kubernetes/client-node 1.4 acts on
 * (`config_types.ts` reads them, `config.ts`, `exec_auth.ts`, `file_auth.ts` and the
 * azure / gcp / oidc authenticators act on them):
 *
 * - `use`: read, type-checked and passed to the client;
 * - `ignore`: harmless metadata nothing acts on (client-node 1.4 acts on no `extensions`);
 * - `refuse`: makes the client run a program, read a local file, reach through a proxy or
 *   act as someone else; the whole kubeconfig is refused with `why` and `instead`;
 * - `insecure`: refused unless `pipelines.clusters.allowInsecureSkipTlsVerify` is true.
 *
 * A field the table does not know is refused too: a new client-go field could mean anything.
 */
export type KubeconfigFieldRule =
  | { rule: 'use' | 'ignore' }
  | { rule: 'refuse'; why: string; instead: string }
  | { rule: 'insecure'; why: string };

/** Where a field sits: the file, `clusters[]`, `clusters[].cluster`, and so on. */
export type KubeconfigSection =
  | 'file'
  | 'namedCluster'
  | 'cluster'
  | 'namedUser'
  | 'user'
  | 'namedContext'
  | 'context';

const TOKENS_AND_CERTIFICATES =
  'pipelines accepts tokens and client certificates only';

const refuse = (why: string, instead: string): KubeconfigFieldRule => ({
  rule: 'refuse',
  why,
  instead,
});
const use: KubeconfigFieldRule = { rule: 'use' };
const ignore: KubeconfigFieldRule = { rule: 'ignore' };

const fromFile = (what: string, dataField: string) =>
  refuse(
    `reads ${what} from a local file`,
    `put it in ${dataField} (base64) instead`,
  );

const impersonates = refuse(
  'impersonates another identity',
  'give the kubeconfig the identity it should act as; pipelines does not impersonate',
);

/** Every field, by section. */
export const KUBECONFIG_FIELDS: Record<
  KubeconfigSection,
  Record<string, KubeconfigFieldRule>
> = {
  file: {
    apiVersion: ignore,
    kind: ignore,
    clusters: use,
    users: use,
    contexts: use,
    'current-context': use,
    preferences: ignore,
    extensions: ignore,
  },
  namedCluster: { name: use, cluster: use },
  cluster: {
    server: use,
    'certificate-authority-data': use,
    'tls-server-name': use,
    'insecure-skip-tls-verify': {
      rule: 'insecure',
      why: "turns off the check of the API server's certificate",
    },
    'certificate-authority': fromFile(
      'its CA certificate',
      'certificate-authority-data',
    ),
    'proxy-url': refuse(
      'sends its requests through a proxy',
      'pipelines connects to API servers directly',
    ),
    'disable-compression': ignore,
    extensions: ignore,
  },
  namedUser: { name: use, user: use },
  user: {
    token: use,
    'client-certificate-data': use,
    'client-key-data': use,
    exec: refuse('uses an exec credential plugin', TOKENS_AND_CERTIFICATES),
    'auth-provider': refuse(
      'uses an auth-provider plugin',
      TOKENS_AND_CERTIFICATES,
    ),
    // client-go's spelling, and client-node's (which reads it while parsing).
    tokenFile: refuse('reads its token from a local file', 'put it in token'),
    'token-file': refuse(
      'reads its token from a local file',
      'put it in token',
    ),
    'client-certificate': fromFile(
      'its client certificate',
      'client-certificate-data',
    ),
    'client-key': fromFile('its client key', 'client-key-data'),
    // Static passwords left Kubernetes in 1.19: such a user can only be meant for a proxy.
    username: refuse(
      'uses basic authentication, which Kubernetes removed in 1.19',
      TOKENS_AND_CERTIFICATES,
    ),
    password: refuse(
      'uses basic authentication, which Kubernetes removed in 1.19',
      TOKENS_AND_CERTIFICATES,
    ),
    as: impersonates,
    'as-uid': impersonates,
    'as-groups': impersonates,
    'as-user-extra': impersonates,
    extensions: ignore,
  },
  namedContext: { name: use, context: use },
  context: {
    cluster: use,
    user: use,
    // The backend reads the namespaces the Pipeline names, never the context's.
    namespace: ignore,
    // client-node's exportConfig() writes the context's name inside it.
    name: ignore,
    extensions: ignore,
  },
};
