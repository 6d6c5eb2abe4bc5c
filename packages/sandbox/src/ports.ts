import net from 'net';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns true, or throws `describe()` after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; describe: () => string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(options.describe());
    await new Promise(r => setTimeout(r, options.intervalMs ?? 200));
  }
}
