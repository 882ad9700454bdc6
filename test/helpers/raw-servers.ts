import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** What a raw server knows about the upgrade request it received. */
export interface RawUpgrade {
  head: string;
  key: string;
}

export interface RunningRawServer {
  url: string;
  port: number;
  sockets: Socket[];
  /** Bytes received after the request head, per connection. */
  received: Buffer[];
  close(): Promise<void>;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export const acceptFor = (key: string): string =>
  createHash('sha1')
    .update(key + GUID)
    .digest('base64');

/** A correct 101 response head for the request, plus any extra header lines. */
export function switchingProtocols(upgrade: RawUpgrade, extraHeaders: string[] = []): string {
  return [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${acceptFor(upgrade.key)}`,
    ...extraHeaders,
    '',
    '',
  ].join('\r\n');
}

export interface FrameSpec {
  opcode: number;
  payload?: Buffer | string;
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  /** Mask with this key (4 bytes). Servers must not; tests do it on purpose. */
  maskKey?: Buffer;
}

/** Encode one frame (an encoder independent from the parser under test). */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload =
    typeof spec.payload === 'string' ? Buffer.from(spec.payload) : (spec.payload ?? Buffer.alloc(0));
  const first =
    (spec.fin === false ? 0 : 0x80) |
    (spec.rsv1 ? 0x40 : 0) |
    (spec.rsv2 ? 0x20 : 0) |
    (spec.rsv3 ? 0x10 : 0) |
    (spec.opcode & 0x0f);
  const maskBit = spec.maskKey ? 0x80 : 0;
  let header: Buffer;
  if (payload.length < 126) header = Buffer.from([first, maskBit | payload.length]);
  else if (payload.length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = maskBit | 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  if (!spec.maskKey) return Buffer.concat([header, payload]);
  const key = spec.maskKey;
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (key[i % 4] ?? 0)));
  return Buffer.concat([header, key, masked]);
}

export const closePayload = (code: number, reason = ''): Buffer => {
  const body = Buffer.alloc(2 + Buffer.byteLength(reason));
  body.writeUInt16BE(code, 0);
  body.write(reason, 2);
  return body;
};

/**
 * A TCP server on 127.0.0.1 that reads an HTTP upgrade request and then lets `behave` write whatever it likes: the
 * misbehaving peer real servers sometimes are.
 */
export async function startRawServer(
  behave: (socket: Socket, upgrade: RawUpgrade) => void,
): Promise<RunningRawServer> {
  const sockets: Socket[] = [];
  const received: Buffer[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    const index = received.push(Buffer.alloc(0)) - 1;
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    let upgraded = false;
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) {
        received[index] = Buffer.concat([received[index] ?? Buffer.alloc(0), chunk]);
        return;
      }
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      upgraded = true;
      const head = buffered.subarray(0, end + 4).toString('latin1');
      received[index] = buffered.subarray(end + 4);
      const key = /^sec-websocket-key:\s*(.+?)\s*$/im.exec(head)?.[1] ?? '';
      behave(socket, { head, key });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/`,
    port,
    sockets,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
