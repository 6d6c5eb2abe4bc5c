import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

export const cacheDir = () =>
  process.env.GITOPS_PIPELINES_CACHE ??
  path.join(os.homedir(), '.cache', 'gitops-pipelines');

/**
 * The kube-apiserver binary: `KUBE_APISERVER_BIN`, the cached build, or a fresh build
 * from Debian's kubernetes source package (10–15 minutes, once).
 */
export function kubeApiServerBinary(): string {
  const fromEnv = process.env.KUBE_APISERVER_BIN;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv))
      throw new Error(`KUBE_APISERVER_BIN=${fromEnv} does not exist`);
    return fromEnv;
  }
  const cached = path.join(cacheDir(), 'bin', 'kube-apiserver');
  if (fs.existsSync(cached)) return cached;
  const script = path.resolve(
    __dirname,
    '..',
    'scripts',
    'build-kube-apiserver.sh',
  );
  process.stderr.write(
    '[sandbox] kube-apiserver is not built yet: building it once from Debian sources\n',
  );
  execFileSync('bash', [script], { stdio: ['ignore', 'ignore', 'inherit'] });
  return cached;
}

/** etcd: `ETCD_BIN` or Debian's etcd-server package. */
export function etcdBinary(): string {
  const bin = process.env.ETCD_BIN ?? '/usr/bin/etcd';
  if (!fs.existsSync(bin)) {
    throw new Error(
      `etcd not found at ${bin}: apt-get install etcd-server, or set ETCD_BIN`,
    );
  }
  return bin;
}
