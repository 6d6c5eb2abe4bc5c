import fs from 'fs';
import https from 'https';
import path from 'path';
import { kubeApiServerBinary } from './binaries';
import { ManagedProcess } from './ManagedProcess';
import { waitFor } from './ports';

export interface StaticToken {
  token: string;
  user: string;
  groups: string[];
}

/** GET a path of an API server with a bearer token, ignoring its self-signed certificate. */
export function apiGet(
  url: string,
  token: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      url,
      {
        headers: { Authorization: `Bearer ${token}` },
        rejectUnauthorized: false,
        timeout: 2000,
      },
      res => {
        let body = '';
        res.on('data', c => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * A real kube-apiserver (v1.20) on 127.0.0.1, over the shared etcd under its own
 * prefix, with static token authentication and RBAC — run the way controller-runtime's
 * envtest runs it. It can be stopped and started again (same port, same data) to make
 * the cluster unreachable for a while.
 */
export class ApiServer {
  readonly url: string;
  private readonly process: ManagedProcess;
  private readonly certDir: string;

  constructor(
    readonly name: string,
    readonly port: number,
    etcdUrl: string,
    dir: string,
    readonly adminToken: string,
    tokens: StaticToken[],
  ) {
    this.url = `https://127.0.0.1:${port}`;
    const home = path.join(dir, name);
    this.certDir = path.join(home, 'certs');
    fs.mkdirSync(this.certDir, { recursive: true });
    const tokenFile = path.join(home, 'tokens.csv');
    fs.writeFileSync(
      tokenFile,
      `${tokens
        .map(t => `${t.token},${t.user},${t.user},"${t.groups.join(',')}"`)
        .join('\n')}\n`,
      { mode: 0o600 },
    );
    const saKey = path.join(dir, 'sa.key');
    const saPub = path.join(dir, 'sa.pub');
    this.process = new ManagedProcess(
      `kube-apiserver ${name}`,
      kubeApiServerBinary(),
      [
        `--etcd-servers=${etcdUrl}`,
        `--etcd-prefix=/${name}`,
        `--secure-port=${port}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--cert-dir=${this.certDir}`,
        `--token-auth-file=${tokenFile}`,
        '--authorization-mode=RBAC',
        '--service-account-issuer=https://kubernetes.default.svc',
        `--service-account-key-file=${saPub}`,
        `--service-account-signing-key-file=${saKey}`,
        '--api-audiences=https://kubernetes.default.svc',
        '--service-cluster-ip-range=10.0.0.0/24',
        '--disable-admission-plugins=ServiceAccount',
        '--allow-privileged=true',
        '--v=1',
      ],
      path.join(home, 'kube-apiserver.log'),
    );
  }

  /**
   * Starts the process and waits until it answers `/readyz`.
   * @throws at once when the process exits (its log's tail in the message; "address already in
   *   use" when another process took the port first), or after 90 s.
   */
  async start(): Promise<void> {
    this.process.start();
    let exited = false;
    await waitFor(
      async () => {
        if (!this.process.running) return (exited = true);
        const res = await apiGet(`${this.url}/readyz`, this.adminToken);
        return res.status === 200;
      },
      {
        timeoutMs: 90_000,
        intervalMs: 250,
        describe: () =>
          `kube-apiserver ${this.name} did not become ready on ${
            this.url
          }:\n${this.process.tail()}`,
      },
    );
    if (exited)
      throw new Error(
        `kube-apiserver ${this.name} exited on ${
          this.url
        }:\n${this.process.tail()}`,
      );
  }

  /** Stops the process; the cluster's data stays in etcd. */
  stop(): Promise<void> {
    return this.process.stop();
  }

  get running(): boolean {
    return this.process.running;
  }

  /** The self-signed serving certificate and its CA, base64, for kubeconfigs. */
  caData(): string {
    return fs
      .readFileSync(path.join(this.certDir, 'apiserver.crt'))
      .toString('base64');
  }
}
