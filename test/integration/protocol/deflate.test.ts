import { randomBytes } from 'node:crypto';
import { createConnection, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { FrameParser } from '../../../shared/protocol/frame-parser.js';
import { HttpHeadReader, headerValues, parseExtensions } from '../../../shared/protocol/http-head.js';
import { MessageAssembler } from '../../../shared/protocol/message-assembler.js';
import { PakoInflater } from '../../../shared/protocol/pako-inflater.js';
import type { NegotiatedExtension } from '../../../shared/model/handshake.js';
import type { Direction } from '../../../shared/model/wire.js';
import type { AssembledMessage, ParserViolation } from '../../../shared/protocol/types.js';

/** Parser + assembler + inflater for one direction, fed raw socket bytes after the HTTP head. */
class Tap {
  readonly messages: AssembledMessage[] = [];
  readonly violations: ParserViolation[] = [];
  readonly compressedFrames: number[] = [];
  private parser: FrameParser;
  private assembler: MessageAssembler;
  private frames = 0;

  constructor(direction: Direction, extensions: NegotiatedExtension[]) {
    const max = 1 << 20;
    this.parser = new FrameParser({ direction, extensions, maxCapturedPayload: max });
    this.assembler = new MessageAssembler({
      direction,
      extensions,
      inflater: new PakoInflater(),
      maxCapturedPayload: max,
    });
  }

  feed(chunk: Uint8Array): void {
    const result = this.parser.accept(chunk);
    this.violations.push(...result.violations);
    for (const frame of result.frames) {
      if (frame.rsv1) this.compressedFrames.push(this.frames);
      const assembled = this.assembler.accept(frame, this.frames++);
      this.violations.push(...assembled.violations);
      if (assembled.message) this.messages.push(assembled.message);
    }
  }
}

type Payload = string | Buffer;

function payloads(): Payload[] {
  const words = 'the quick brown fox jumps over the lazy dog ünïcödé ✓ 😀 '.repeat(4000);
  return [
    'hello',
    'hello',
    '',
    'hello hello hello hello',
    words,
    randomBytes(3000),
    Buffer.alloc(300_000, 7),
    words.slice(0, 1234),
    '',
    'last',
  ];
}

const servers: WebSocketServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function exchange(perMessageDeflate: Record<string, unknown>, fragmentClient: boolean) {
  const clientSends = payloads();
  const serverSends = payloads().reverse();
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: { threshold: 0, ...perMessageDeflate },
  });
  servers.push(wss);
  await new Promise((r) => wss.once('listening', r));
  const port = (wss.address() as AddressInfo).port;

  let c2s: Tap | undefined;
  let s2c: Tap | undefined;
  let extensions: NegotiatedExtension[] = [];
  const headReader = new HttpHeadReader('response');
  const pendingC2s: Uint8Array[] = [];

  wss.on('connection', (socket, request) => {
    // ws unmasks received frames in place, so look at (and copy) each chunk before ws does.
    request.socket.prependListener('data', (chunk: Buffer) => {
      const copy = Uint8Array.from(chunk);
      if (c2s) c2s.feed(copy);
      else pendingC2s.push(copy);
    });
    let received = 0;
    socket.on('message', () => {
      if (++received === clientSends.length) {
        for (const p of serverSends) socket.send(p, { binary: typeof p !== 'string', compress: true });
      }
    });
  });

  const client = new WebSocket(`ws://127.0.0.1:${port}/`, {
    perMessageDeflate: { threshold: 0, ...perMessageDeflate },
    createConnection: () => {
      const raw: Socket = createConnection({ host: '127.0.0.1', port });
      raw.on('data', (chunk: Buffer) => {
        if (s2c) return s2c.feed(chunk);
        const result = headReader.accept(chunk);
        if (result.state === 'error') throw new Error(result.message);
        if (result.state !== 'done') return;
        extensions = parseExtensions(
          headerValues(result.head.headers, 'sec-websocket-extensions').join(', '),
        );
        s2c = new Tap('s2c', extensions);
        c2s = new Tap('c2s', extensions);
        for (const p of pendingC2s) c2s.feed(p);
        s2c.feed(result.rest);
      });
      return raw;
    },
  });
  const done = new Promise<void>((resolve, reject) => {
    let received = 0;
    client.on('message', () => {
      if (++received === serverSends.length) client.close(1000, 'done');
    });
    client.on('close', () => resolve());
    client.on('error', reject);
  });
  await new Promise((r) => client.once('open', r));
  for (const p of clientSends) {
    const binary = typeof p !== 'string';
    if (fragmentClient && p.length > 10) {
      const bytes = Buffer.from(p);
      const cut = bytes.length >> 1;
      client.send(bytes.subarray(0, cut), { binary, fin: false, compress: true });
      client.send(bytes.subarray(cut), { binary, fin: true, compress: true });
    } else client.send(p, { binary, compress: true });
  }
  await done;
  await new Promise((r) => setTimeout(r, 50));
  return { clientSends, serverSends, c2s: c2s!, s2c: s2c!, extensions };
}

function expectDecoded(tap: Tap, sent: Payload[]): void {
  expect(tap.violations).toEqual([]);
  expect(tap.messages).toHaveLength(sent.length);
  tap.messages.forEach((m, i) => {
    const expected = Buffer.from(sent[i]!);
    expect(m.opcode).toBe(typeof sent[i] === 'string' ? 1 : 2);
    expect(m.undecoded).toBeUndefined();
    expect(m.size).toBe(expected.length);
    expect(Buffer.from(m.data).equals(expected)).toBe(true);
    if (m.opcode === 1) expect(m.utf8Valid).toBe(true);
  });
  expect(tap.messages.filter((m) => m.compressed).length).toBeGreaterThan(sent.length / 2);
}

describe('permessage-deflate against a real ws peer', () => {
  it('decodes both directions with context takeover', async () => {
    const run = await exchange({}, false);
    expect(run.extensions.map((e) => e.name)).toEqual(['permessage-deflate']);
    expect(Object.keys(run.extensions[0]!.params)).not.toContain('server_no_context_takeover');
    expectDecoded(run.c2s, run.clientSends);
    expectDecoded(run.s2c, run.serverSends);
  });

  it('decodes both directions without context takeover', async () => {
    const run = await exchange({ serverNoContextTakeover: true, clientNoContextTakeover: true }, false);
    expect(Object.keys(run.extensions[0]!.params)).toEqual(
      expect.arrayContaining(['server_no_context_takeover', 'client_no_context_takeover']),
    );
    expectDecoded(run.c2s, run.clientSends);
    expectDecoded(run.s2c, run.serverSends);
  });

  it('decodes fragmented compressed messages and small windows', async () => {
    const run = await exchange({ serverMaxWindowBits: 9, clientMaxWindowBits: 9 }, true);
    expectDecoded(run.c2s, run.clientSends);
    expectDecoded(run.s2c, run.serverSends);
    expect(run.c2s.messages.some((m) => m.frameIndices.length > 1)).toBe(true);
  });
});
