import { afterEach, describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../../shared/model/index.js';
import {
  encodeFrame,
  startRawServer,
  switchingProtocols,
  type RawUpgrade,
  type RunningRawServer,
} from '../../helpers/raw-servers.js';
import type { Socket } from 'node:net';
import { framesOf, ofType, record, text } from './helpers.js';

let server: RunningRawServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Connect to a raw server with this behaviour and return the connection's records once it has ended. */
async function capture(behave: (socket: Socket, upgrade: RawUpgrade) => void): Promise<CaptureEvent[]> {
  server = await startRawServer(behave);
  const rec = record();
  const { conn } = await rec.inspector.connect({ url: server.url });
  const events = await rec.ended(conn, 10_000);
  await rec.inspector.dispose();
  return events;
}

const tcpFacts = (events: CaptureEvent[]) => ofType(events, 'tcp').map((e) => `${e.kind}:${e.side}`);
const errorCodes = (events: CaptureEvent[]) => ofType(events, 'error').map((e) => e.code);
const violationCodes = (events: CaptureEvent[]) => ofType(events, 'violation').map((e) => e.violation.code);

describe('client connection against misbehaving servers', () => {
  it('records a continuation frame with nothing to continue, ws rejecting it, and the 1002 close it sends', async () => {
    const events = await capture((socket, upgrade) => {
      socket.write(switchingProtocols(upgrade));
      socket.write(encodeFrame({ opcode: 0, payload: 'orphan' }));
    });
    const frames = framesOf(events);
    expect(frames[0]).toMatchObject({
      seq: 1,
      dir: 's2c',
      opcode: 0,
      fin: true,
      masked: false,
      payloadLength: 6,
    });
    expect(frames[0]?.violations).toContain('CONTINUATION_WITHOUT_START');
    expect(violationCodes(events)).toContain('CONTINUATION_WITHOUT_START');
    expect(errorCodes(events)).toContain('WS_ERR_INVALID_OPCODE');
    const close = frames.find((f) => f.dir === 'c2s' && f.opcode === 8);
    expect(close).toMatchObject({ masked: true, close: { code: 1002 } });
    expect(events.at(-1)?.type).toBe('end');
  });

  it('records a data frame that starts a new message inside a fragmented one', async () => {
    const events = await capture((socket, upgrade) => {
      socket.write(switchingProtocols(upgrade));
      socket.write(encodeFrame({ opcode: 1, payload: 'part one', fin: false }));
      socket.write(encodeFrame({ opcode: 1, payload: 'again' }));
    });
    const frames = framesOf(events).filter((f) => f.dir === 's2c');
    expect(frames.map((f) => [f.opcode, f.fin])).toEqual([
      [1, false],
      [1, true],
    ]);
    expect(frames[1]?.violations).toContain('DATA_DURING_FRAGMENTED_MESSAGE');
    expect(errorCodes(events)).toContain('WS_ERR_INVALID_OPCODE');
  });

  it('records RSV1 without a negotiated extension', async () => {
    const events = await capture((socket, upgrade) => {
      socket.write(switchingProtocols(upgrade));
      socket.write(encodeFrame({ opcode: 1, payload: 'x', rsv1: true }));
    });
    const [first] = framesOf(events);
    expect(first).toMatchObject({ dir: 's2c', rsv1: true, rsv2: false, rsv3: false, fin: true, opcode: 1 });
    expect(violationCodes(events)).toContain('RSV1_UNNEGOTIATED');
    const wsError = ofType(events, 'error').find((e) => e.code === 'WS_ERR_UNEXPECTED_RSV_1');
    expect(wsError?.message).toMatch(/RSV1 must be clear/);
    expect(framesOf(events).find((f) => f.dir === 'c2s' && f.opcode === 8)?.close?.code).toBe(1002);
  });

  it('records a masked server frame with its key and unmasked payload', async () => {
    const events = await capture((socket, upgrade) => {
      socket.write(switchingProtocols(upgrade));
      socket.write(encodeFrame({ opcode: 1, payload: 'hidden', maskKey: Buffer.from([1, 2, 3, 4]) }));
    });
    const [first] = framesOf(events);
    expect(first).toMatchObject({ dir: 's2c', masked: true, maskKey: '01020304', headerLength: 6 });
    expect(text(first?.data ?? '')).toBe('hidden');
    expect(violationCodes(events)).toContain('MASKED_SERVER_FRAME');
    expect(errorCodes(events)).toContain('WS_ERR_UNEXPECTED_MASK');
  });

  it('records a TCP FIN from the server without a close frame', async () => {
    const events = await capture((socket, upgrade) => {
      socket.write(switchingProtocols(upgrade));
      socket.end(encodeFrame({ opcode: 1, payload: 'bye without close' }));
    });
    const frames = framesOf(events);
    expect(frames).toHaveLength(1);
    expect(frames.some((f) => f.opcode === 8)).toBe(false);
    const tcp = tcpFacts(events);
    expect(tcp[0]).toBe('connect:server');
    expect(tcp[1]).toBe('fin:server');
    expect(tcp).toContain('fin:client');
    expect(events.at(-1)?.type).toBe('end');
  });

  it('records a TCP reset from the server', async () => {
    const events = await capture((socket, upgrade) => {
      socket.write(switchingProtocols(upgrade));
      socket.write(encodeFrame({ opcode: 1, payload: 'about to reset' }), () => {
        setTimeout(() => socket.resetAndDestroy(), 20);
      });
    });
    expect(tcpFacts(events)).toContain('rst:server');
    expect(errorCodes(events)).toContain('ECONNRESET');
    expect(framesOf(events)).toHaveLength(1);
  });

  it('records 101 followed by an immediate close of the connection', async () => {
    const events = await capture((socket, upgrade) => socket.end(switchingProtocols(upgrade)));
    expect(ofType(events, 'http-response')[0]?.head.status).toBe(101);
    expect(ofType(events, 'open')).toHaveLength(1);
    expect(framesOf(events)).toEqual([]);
    expect(tcpFacts(events).slice(0, 2)).toEqual(['connect:server', 'fin:server']);
    expect(events.at(-1)?.type).toBe('end');
  });

  it('records a wrong Sec-WebSocket-Accept and ws refusing the upgrade', async () => {
    const events = await capture((socket) => {
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: bm9wZQ==\r\n\r\n',
      );
    });
    expect(ofType(events, 'http-response')[0]?.accept).toBe('mismatch');
    expect(ofType(events, 'error').map((e) => e.message)).toContain('Invalid Sec-WebSocket-Accept header');
    expect(events.at(-1)?.type).toBe('end');
  });

  it('reports a frame cut off by the connection ending', async () => {
    const events = await capture((socket, upgrade) => {
      socket.write(switchingProtocols(upgrade));
      socket.end(encodeFrame({ opcode: 2, payload: Buffer.alloc(300, 7) }).subarray(0, 100));
    });
    expect(framesOf(events)).toEqual([]);
    const truncated = ofType(events, 'violation').find((e) => e.violation.code === 'TRUNCATED_FRAME');
    expect(truncated?.violation).toMatchObject({ dir: 's2c', closeCode: 1006 });
  });

  it('survives garbage after the 101 in odd chunks: records what it can, never fails internally', async () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const garbage = Buffer.from(Array.from({ length: 20_000 }, () => Math.floor(random() * 256)));
    const events = await capture((socket, upgrade) => {
      socket.write(switchingProtocols(upgrade));
      for (let at = 0; at < garbage.length;) {
        const size = 1 + Math.floor(random() * 700);
        socket.write(garbage.subarray(at, at + size));
        at += size;
      }
      socket.end();
    });
    expect(errorCodes(events)).not.toContain('CAPTURE_INTERNAL');
    expect(framesOf(events).length).toBeGreaterThan(0);
    expect(violationCodes(events).length).toBeGreaterThan(0);
    expect(events.at(-1)?.type).toBe('end');
  });

  it('sees bytes that arrive with the 101 exactly once (ws pushes them back onto the socket)', async () => {
    const received: string[] = [];
    server = await startRawServer((socket, upgrade) => {
      socket.write(
        Buffer.concat([
          Buffer.from(switchingProtocols(upgrade), 'latin1'),
          encodeFrame({ opcode: 1, payload: 'one' }),
          encodeFrame({ opcode: 1, payload: 'two' }),
        ]),
      );
      setTimeout(() => socket.end(encodeFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe8]) })), 50);
    });
    const rec = record();
    const { conn } = await rec.inspector.connect({ url: server.url });
    const events = await rec.ended(conn);
    for (const e of ofType(events, 'message')) received.push(text(e.message.data));
    expect(
      framesOf(events)
        .filter((f) => f.dir === 's2c')
        .map((f) => f.opcode),
    ).toEqual([1, 1, 8]);
    expect(received).toEqual(['one', 'two']);
    // ws parsed the same bytes: it answered the server's close, with no error about the stream.
    expect(
      framesOf(events)
        .filter((f) => f.dir === 'c2s')
        .map((f) => f.close?.code),
    ).toEqual([1000]);
    expect(ofType(events, 'error')).toEqual([]);
    expect(ofType(events, 'violation')).toEqual([]);
    await rec.inspector.dispose();
  });
});
