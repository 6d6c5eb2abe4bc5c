import { CoreV1Api } from '@kubernetes/client-node';
import { execFileSync } from 'child_process';
import fs from 'fs';
import https from 'https';
import os from 'os';
import path from 'path';
import { stringify } from 'yaml';
import { readKubeconfig } from './readKubeconfig';

/**
 * A client-certificate kubeconfig (the `-data` forms) still works after the strict reader:
 * a real TLS server that requires a client certificate signed by its CA (openssl-made, as
 * a cluster's CA would sign one) sees the kubeconfig's certificate, and the client checks the
 * server against `certificate-authority-data`.
 */
describe('a client-certificate kubeconfig through readKubeconfig', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-cert-kc-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  let server: https.Server;
  let url: string;
  const seen: string[] = [];

  beforeAll(async () => {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=test-ca',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
    );
    for (const [name, cn, ext] of [
      ['server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1'],
      ['client', 'gitops-pipelines-reader', 'extendedKeyUsage=clientAuth'],
    ]) {
      openssl(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        `/CN=${cn}`,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
      );
      fs.writeFileSync(file(`${name}.ext`), `${ext}\n`);
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '1',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.crt`,
      );
    }
    server = https.createServer(
      {
        key: fs.readFileSync(file('server.key')),
        cert: fs.readFileSync(file('server.crt')),
        ca: fs.readFileSync(file('ca.crt')),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const cert = (req.socket as any).getPeerCertificate();
        seen.push(cert.subject.CN);
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            kind: 'NamespaceList',
            apiVersion: 'v1',
            items: [],
          }),
        );
      },
    );
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as any).port}`;
  });

  afterAll(async () => {
    await new Promise(r => server?.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const b64 = (name: string) => fs.readFileSync(file(name)).toString('base64');

  it('authenticates with the certificate and verifies the server with the CA', async () => {
    const kc = readKubeconfig(
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 't',
            cluster: {
              server: url,
              'certificate-authority-data': b64('ca.crt'),
            },
          },
        ],
        users: [
          {
            name: 'reader',
            user: {
              'client-certificate-data': b64('client.crt'),
              'client-key-data': b64('client.key'),
            },
          },
        ],
        contexts: [{ name: 't', context: { cluster: 't', user: 'reader' } }],
        'current-context': 't',
      }),
      { secret: 'tenant/cert-kubeconfig' },
    );
    const list = await kc.makeApiClient(CoreV1Api).listNamespace();
    expect(list.items).toEqual([]);
    expect(seen).toEqual(['gitops-pipelines-reader']);
  });

  it('fails to connect with a CA that did not sign the server', async () => {
    const kc = readKubeconfig(
      stringify({
        clusters: [
          {
            name: 't',
            cluster: {
              server: url,
              'certificate-authority-data': b64('client.crt'),
            },
          },
        ],
        users: [
          {
            name: 'r',
            user: {
              'client-certificate-data': b64('client.crt'),
              'client-key-data': b64('client.key'),
            },
          },
        ],
        contexts: [{ name: 't', context: { cluster: 't', user: 'r' } }],
        'current-context': 't',
      }),
      { secret: 'tenant/cert-kubeconfig' },
    );
    await expect(kc.makeApiClient(CoreV1Api).listNamespace()).rejects.toThrow(
      /certificate/i,
    );
  });
});
