import { DEFAULT_TARGET_CLUSTER_SETTINGS } from '../config/readClusterSettings';
import { readKubeconfig } from './readKubeconfig';
import {
  cleanKubeconfig,
  PEM_DATA,
  refusal,
  SECRET,
  SECRET_REF,
  twoContextKubeconfig,
} from './__fixtures__/kubeconfigs';

const PREFIX = `the kubeconfig in Secret ${SECRET_REF}`;

/** The servers and the structure of a kubeconfig (its fields: readKubeconfig.test.ts). */
describe('readKubeconfig: servers and structure', () => {
  it('allows insecure-skip-tls-verify and http only with allowInsecureSkipTlsVerify', () => {
    const k = cleanKubeconfig();
    k.clusters[0].cluster.server = 'http://prod.example.com:8080';
    expect(refusal(k)).toBe(
      `${PREFIX} talks to its API server over plain http (clusters[0].cluster.server), where its credentials can be read on the way; use https, or allow it with pipelines.clusters.allowInsecureSkipTlsVerify`,
    );
    const settings = {
      ...DEFAULT_TARGET_CLUSTER_SETTINGS,
      allowInsecureSkipTlsVerify: true,
    };
    const kc = readKubeconfig(JSON.stringify(k), {
      secret: SECRET_REF,
      settings,
    });
    expect(kc.getCurrentCluster()?.skipTLSVerify).toBe(true);
    k.clusters[0].cluster.server = 'https://prod.example.com';
    k.clusters[0].cluster['insecure-skip-tls-verify'] = true;
    expect(refusal(k, settings)).toBeUndefined();
  });

  it.each([
    ['file:///etc/passwd', 'must be an https:// URL'],
    ['unix:///var/run/docker.sock', 'must be an https:// URL'],
    ['ftp://prod.example.com', 'must be an https:// URL'],
    ['prod.example.com:6443', 'must be an https:// URL'],
    ['not a url', 'is not a URL'],
    [
      `https://admin:${SECRET}@prod.example.com`,
      'must not carry credentials (put them in users[].user)',
    ],
    ['https://prod.example.com/?x=1', 'must not have a query or a fragment'],
    ['https://prod.example.com/#x', 'must not have a query or a fragment'],
  ])('refuses the server %s', (server, says) => {
    const k = twoContextKubeconfig();
    k.clusters[1].cluster.server = server;
    expect(refusal(k)).toBe(
      `${PREFIX} is not a valid kubeconfig: clusters[1].cluster.server ${says}`,
    );
  });

  it('refuses a server outside pipelines.clusters.allowedServers, on any cluster of the file', () => {
    const settings = {
      ...DEFAULT_TARGET_CLUSTER_SETTINGS,
      allowedServers: [
        {
          source: '*.example.com:6443',
          host: 'example.com',
          wildcard: true,
          port: 6443,
        },
        {
          source: 'other.example.com',
          host: 'other.example.com',
          wildcard: false,
        },
      ],
    };
    expect(refusal(twoContextKubeconfig(), settings)).toBeUndefined();
    const k = twoContextKubeconfig();
    k.clusters[0].cluster.server = 'https://prod.example.com:443';
    expect(refusal(k, settings)).toBe(
      `${PREFIX} names an API server that is not allowed (clusters[0].cluster.server); pipelines.clusters.allowedServers lists the servers target clusters may have`,
    );
    const l = twoContextKubeconfig();
    l.clusters[1].cluster.server = 'https://169.254.169.254';
    expect(refusal(l, settings)).toContain('(clusters[1].cluster.server)');
  });

  it.each([
    [
      'no current-context',
      (k: any) => delete k['current-context'],
      'current-context is missing',
    ],
    [
      'a current-context that names no context',
      (k: any) => (k['current-context'] = 'staging'),
      'current-context names no context of the file (it has "prod", "other")',
    ],
    [
      'a context naming a missing cluster',
      (k: any) => (k.contexts[1].context.cluster = 'gone'),
      'contexts[1].context.cluster names no cluster of the file',
    ],
    [
      'a context naming a missing user',
      (k: any) => (k.contexts[1].context.user = 'gone'),
      'contexts[1].context.user names no user of the file',
    ],
    [
      'a context without a user',
      (k: any) => delete k.contexts[1].context.user,
      'contexts[1].context.user is missing',
    ],
    [
      'two users of one name',
      (k: any) => (k.users[1].name = 'reader'),
      'users[1].name repeats the name of another user',
    ],
    [
      'two clusters of one name',
      (k: any) => (k.clusters[1].name = 'prod'),
      'clusters[1].name repeats the name of another cluster',
    ],
    [
      'two contexts of one name',
      (k: any) => (k.contexts[1].name = 'prod'),
      'contexts[1].name repeats the name of another context',
    ],
    [
      'users that are not a list',
      (k: any) => (k.users = { reader: {} }),
      'users must be a list',
    ],
    [
      'a user entry that is not a mapping',
      (k: any) => (k.users[1] = 'reader'),
      'users[1] must be a mapping',
    ],
    [
      'a user without a name',
      (k: any) => delete k.users[1].name,
      'users[1].name is missing',
    ],
    [
      'a cluster without a server',
      (k: any) => delete k.clusters[1].cluster.server,
      'clusters[1].cluster.server is missing',
    ],
    [
      'a token that is not a string',
      (k: any) => (k.users[1].user.token = 42),
      'users[1].user.token must be a non-empty string',
    ],
    [
      'a token with a line break',
      (k: any) => (k.users[1].user.token = 'a\r\nX-Injected: 1'),
      'users[1].user.token has characters a token cannot have',
    ],
    [
      'CA data that is not base64',
      (k: any) =>
        (k.clusters[0].cluster['certificate-authority-data'] = '-----BEGIN'),
      'clusters[0].cluster.certificate-authority-data must be base64',
    ],
    [
      'a certificate without its key',
      (k: any) => (k.users[1].user = { 'client-certificate-data': PEM_DATA }),
      'users[1].user.client-key-data is missing (a client certificate needs its key)',
    ],
    [
      'a key without its certificate',
      (k: any) => (k.users[1].user = { 'client-key-data': PEM_DATA }),
      'users[1].user.client-certificate-data is missing (a client certificate needs its key)',
    ],
    [
      'insecure-skip-tls-verify that is not a boolean',
      (k: any) => (k.clusters[1].cluster['insecure-skip-tls-verify'] = 'yes'),
      'clusters[1].cluster.insecure-skip-tls-verify must be true or false',
    ],
  ])('refuses %s', (_, change, says) => {
    const k = twoContextKubeconfig();
    change(k);
    expect(refusal(k)).toBe(`${PREFIX} is not a valid kubeconfig: ${says}`);
  });

  it('refuses a file that is not a mapping', () => {
    expect(refusal('[1, 2]')).toBe(
      `${PREFIX} is not a valid kubeconfig: the file must be a mapping`,
    );
  });
});
