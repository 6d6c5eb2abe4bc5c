import net from 'net';

/**
 * A TCP proxy on 127.0.0.1 to `targetPort` (a forge, say), for network faults a server
 * cannot inject itself: stopped, connections to its port are refused; with `hang`, it
 * accepts new connections and never answers. It starts again on the same port.
 */
export class TcpProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  hang = false;
  port = 0;

  constructor(private readonly targetPort: number) {}

  private track(socket: net.Socket) {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  async start() {
    const server = net.createServer(client => {
      this.track(client);
      if (this.hang) return;
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      this.track(upstream);
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>(resolve =>
      server.listen(this.port, '127.0.0.1', resolve),
    );
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async stop() {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise(resolve => (server ? server.close(resolve) : resolve(0)));
  }
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}
