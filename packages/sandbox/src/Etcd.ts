import fs from 'fs';
import path from 'path';
import { etcdBinary } from './binaries';
import { ManagedProcess } from './ManagedProcess';
import { freePort, waitFor } from './ports';

/** One etcd on loopback; every sandbox cluster uses it under its own key prefix. */
export class Etcd {
  private constructor(
    readonly url: string,
    private readonly process: ManagedProcess,
  ) {}

  static async start(dir: string): Promise<Etcd> {
    const clientPort = await freePort();
    const peerPort = await freePort();
    const dataDir = path.join(dir, 'etcd');
    fs.mkdirSync(dataDir, { recursive: true });
    const url = `http://127.0.0.1:${clientPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    const proc = new ManagedProcess(
      'etcd',
      etcdBinary(),
      [
        `--data-dir=${dataDir}`,
        `--listen-client-urls=${url}`,
        `--advertise-client-urls=${url}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=default=${peer}`,
        '--log-level=warn',
      ],
      path.join(dir, 'etcd.log'),
    );
    proc.start();
    await waitFor(
      async () => {
        const res = await fetch(`${url}/health`);
        return res.ok && (await res.json()).health === 'true';
      },
      {
        timeoutMs: 20_000,
        describe: () => `etcd did not become healthy:\n${proc.tail()}`,
      },
    );
    return new Etcd(url, proc);
  }

  stop() {
    return this.process.stop();
  }
}
