import net from 'node:net';
import type { CommandIo } from '../../main/cli/command.js';

/** A CommandIo that keeps what a command printed, for running `wsi` commands in-process. */
export function captureIo(): CommandIo & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (line) => out_.push(line), err: (line) => err_.push(line) };
}

/** A loopback port that was free a moment ago (for commands that take --listen HOST:PORT). */
export const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
