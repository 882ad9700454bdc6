import type { ConnectionFaults } from './connection-faults.js';

/** Open proxied connections by their session connection id, so a fault can be injected into one of them. */
export class FaultRegistry {
  private readonly connections = new Map<string, ConnectionFaults>();

  add(conn: string, faults: ConnectionFaults): () => void {
    this.connections.set(conn, faults);
    return () => {
      if (this.connections.get(conn) === faults) this.connections.delete(conn);
    };
  }

  get(conn: string): ConnectionFaults | undefined {
    return this.connections.get(conn);
  }
}
