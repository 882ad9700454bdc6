import net from 'node:net';

/**
 * A raw TCP listener for a proxy: no HTTP parsing by Node, half-open sockets allowed (so a FIN can be relayed as a
 * FIN), every socket's errors handled, open sockets counted and destroyed on close.
 */
export class ProxyListener {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  /** Accepted since start. */
  accepted = 0;
  /** close() was called: sockets ending now were ended by the inspector. */
  closing = false;

  constructor(
    handle: (socket: net.Socket) => void,
    private readonly onCountChange: () => void = () => undefined,
  ) {
    this.server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (socket) => {
      socket.on('error', () => undefined);
      this.sockets.add(socket);
      this.accepted++;
      socket.once('close', () => {
        this.sockets.delete(socket);
        this.onCountChange();
      });
      this.onCountChange();
      try {
        handle(socket);
      } catch {
        socket.destroy();
      }
    });
    this.server.on('error', () => undefined);
  }

  get open(): number {
    return this.sockets.size;
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host, port, backlog: 1024 }, () => {
        this.server.off('error', onError);
        const address = this.server.address() as net.AddressInfo;
        resolve({ host: address.address, port: address.port });
      });
    });
  }

  close(): Promise<void> {
    this.closing = true;
    return new Promise((resolve) => {
      for (const socket of this.sockets) socket.destroy();
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }
}

export function formatAddress(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
