/**
 * Message breakpoints against real ws servers and clients: hold, queue, timeout, forward, edit, drop; fragmented
 * messages held whole; control frames passing; masking and permessage-deflate checked on the bytes each leg saw.
 */
import { constants, inflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { releaseHeldRequest, setBreakpointsRequest } from '../../../shared/api/contract.js';
import type { BreakpointSettings, HeldMessage } from '../../../shared/api/contract.js';
import { analyzeSession } from '../../../shared/analysis/analyze-session.js';
import { InspectorMarks } from '../../../shared/analysis/inspector-marks.js';
import { proxyHarness, type ProxyHarness } from '../../helpers/proxy-harness.js';
import { startTappedWsServer, tapSocket, type TappedWsServer } from '../../helpers/proxy-wire.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const DEFLATE = { threshold: 0 };

async function setup(options: { deflate?: boolean; echo?: boolean } = {}) {
  const server = await startTappedWsServer(
    (ws) => {
      if (options.echo) ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    },
    options.deflate ? { ws: { perMessageDeflate: DEFLATE } } : {},
  );
  cleanups.push(() => server.close());
  const harness: ProxyHarness = proxyHarness({ capture: 'inline' });
  cleanups.push(() => harness.dispose());
  const info = await harness.inspector.startProxy({ mode: 'reverse', target: server.url });
  const held: HeldMessage[][] = [];
  harness.inspector.on('held', (list) => held.push(list));
  return { server, harness, address: info.address, held };
}

async function client(address: string, path: string, server: TappedWsServer, deflate = false) {
  const serverSide = server.nextConnection();
  const ws = new WebSocket(`ws://${address}${path}`, { perMessageDeflate: deflate ? DEFLATE : false });
  cleanups.push(() => ws.terminate());
  const received: (string | Buffer)[] = [];
  ws.on('message', (data: Buffer, isBinary) => received.push(isBinary ? data : data.toString()));
  const socketReady = new Promise<ReturnType<typeof tapSocket>>((resolve) =>
    ws.once('upgrade', (response) => resolve(tapSocket(response.socket))),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const side = await serverSide;
  const serverGot: (string | Buffer)[] = [];
  side.ws.on('message', (data: Buffer, isBinary) => serverGot.push(isBinary ? data : data.toString()));
  return { ws, received, side, serverGot, wire: await socketReady };
}

interface WireFrame {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  masked: boolean;
  length: number;
}

/** The frames in a byte stream (headers only). */
function frames(bytes: Buffer): WireFrame[] {
  const out: WireFrame[] = [];
  let i = 0;
  while (i + 2 <= bytes.length) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1]!;
    let length = b1 & 0x7f;
    let at = i + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at);
      at += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at));
      at += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    if (masked) at += 4;
    out.push({ fin: (b0 & 0x80) !== 0, rsv1: (b0 & 0x40) !== 0, opcode: b0 & 0x0f, masked, length });
    i = at + length;
  }
  return out;
}

const settings = (s: Partial<BreakpointSettings> & Pick<BreakpointSettings, 'rules'>): BreakpointSettings =>
  setBreakpointsRequest(s);

/** The message view's marks for one connection's records: [direction, payload text, mark kind]. */
function marks(events: Awaited<ReturnType<ProxyHarness['events']>>): [string, string, string][] {
  const tracker = new InspectorMarks();
  const out: { id: number; dir: string; text: string }[] = [];
  for (const e of events) {
    tracker.note(e);
    if (e.type === 'message')
      out.push({
        id: e.message.id,
        dir: e.message.dir,
        text: Buffer.from(e.message.data, 'base64').toString(),
      });
  }
  return out.flatMap((m) => {
    const mark = tracker.of(m.id);
    return mark ? [[m.dir, m.text, mark.kind] as [string, string, string]] : [];
  });
}

const actions = (events: Awaited<ReturnType<ProxyHarness['events']>>, conn?: string): string[] =>
  events.flatMap((e) =>
    e.type === 'action' && e.fault && (conn === undefined || e.conn === conn) ? [e.detail ?? ''] : [],
  );

describe('message breakpoints', () => {
  it('holds a matching message, queues what follows in order, never stalls another connection; forward', async () => {
    const { server, harness, address } = await setup();
    await harness.inspector.setBreakpoints(
      settings({ rules: [{ direction: 's2c', url: '/held', rule: { contains: 'hold me' } }] }),
    );
    const a = await client(address, '/held', server);
    const b = await client(address, '/other', server);
    const pongs: string[] = [];
    a.side.ws.on('pong', (data: Buffer) => pongs.push(data.toString()));
    a.side.ws.send('first');
    a.side.ws.send('please hold me');
    a.side.ws.send('after 1');
    a.side.ws.ping('hb');
    a.side.ws.send('after 2');
    await expect.poll(() => a.received).toEqual(['first']);
    // A ping is a control frame: it passes the held message (the client answers it).
    await expect.poll(() => pongs).toEqual(['hb']);
    await expect
      .poll(async () => (await harness.inspector.listHeld(undefined)).map((h) => [h.queued, h.direction]))
      .toEqual([[2, 's2c']]);
    // Another connection through the same proxy (and the other direction of this one) flows meanwhile.
    b.side.ws.send('b is not held, hold me or not');
    await expect.poll(() => b.received).toEqual(['b is not held, hold me or not']);
    a.ws.send('up');
    await expect.poll(() => a.serverGot).toEqual(['up']);

    const [held] = await harness.inspector.listHeld(undefined);
    expect(Buffer.from(held!.base64, 'base64').toString()).toBe('please hold me');
    expect(held!.url).toContain('/held');
    await harness.inspector.releaseHeld({ id: held!.id, action: 'forward' });
    await expect.poll(() => a.received).toEqual(['first', 'please hold me', 'after 1', 'after 2']);
    expect(await harness.inspector.listHeld(undefined)).toEqual([]);
    // The client's socket got the server's frames unchanged: unmasked, in order.
    const texts = frames(a.wire.incoming.bytes()).filter((f) => f.opcode === 1);
    expect(texts.map((f) => [f.masked, f.length])).toEqual([
      [false, 5],
      [false, 14],
      [false, 7],
      [false, 7],
    ]);
    await expect(harness.inspector.releaseHeld({ id: held!.id, action: 'forward' })).rejects.toThrow(
      /is not held \(released already, or its connection closed\)/,
    );
    expect(await harness.inspector.getBreakpoints(undefined)).toEqual({
      rules: [{ direction: 's2c', url: '/held', rule: { contains: 'hold me' } }],
    });
    const events = await harness.events();
    expect(actions(events)).toEqual([
      'text message of 14 bytes held (server → client; rule: messages containing "hold me")',
      'held message forwarded unchanged by the user (server → client)',
    ]);
    expect(marks(events.filter((e) => e.conn === held!.conn))).toEqual([
      ['s2c', 'please hold me', 'forwarded'],
    ]);
  });

  it('edits a JSON message toward the server: re-masked and re-compressed; later compressed messages still decode', async () => {
    const { server, harness, address } = await setup({ deflate: true });
    await harness.inspector.setBreakpoints(
      settings({ rules: [{ direction: 'c2s', rule: { jsonPath: '$.type', equals: 'order' } }] }),
    );
    const { ws, side, serverGot } = await client(address, '/shop', server, true);
    ws.send('{"type":"hello","text":"a repeated phrase, a repeated phrase"}');
    ws.send('{"type":"order","qty":1}');
    ws.send('{"type":"note","text":"a repeated phrase, a repeated phrase, again"}');
    await expect.poll(() => serverGot.length).toBe(1);
    await expect.poll(() => harness.inspector.listHeld(undefined)).toHaveLength(1);
    const [held] = await harness.inspector.listHeld(undefined);
    expect(held!.compressed).toBe(true);
    expect(held!.queued).toBe(1);
    const edited = '{"type":"order","qty":99,"text":"a repeated phrase"}';
    await harness.inspector.releaseHeld({ id: held!.id, action: 'edit', kind: 'json', data: edited });
    await expect
      .poll(() => serverGot)
      .toEqual([
        '{"type":"hello","text":"a repeated phrase, a repeated phrase"}',
        edited,
        '{"type":"note","text":"a repeated phrase, a repeated phrase, again"}',
      ]);
    ws.send('{"type":"note","text":"a repeated phrase once more"}');
    await expect.poll(() => serverGot.length).toBe(4);
    expect(serverGot[3]).toBe('{"type":"note","text":"a repeated phrase once more"}');
    // What the server read: every frame masked, every data frame compressed (the edited one by the relay).
    const seen = frames(side.incoming.bytes()).filter((f) => f.opcode === 1);
    expect(seen).toHaveLength(4);
    expect(seen.every((f) => f.masked && f.rsv1 && f.fin)).toBe(true);
    const events = await harness.events();
    expect(actions(events)).toEqual([
      'text message of 24 bytes held (client → server; rule: messages with $.type = "order")',
      `held message edited (${edited.length} bytes sent) by the user (client → server); the relay re-compresses this direction from here on`,
    ]);
    const release = events.find((e) => e.type === 'action' && e.fault?.kind === 'release-message');
    expect(release?.type === 'action' && release.fault).toMatchObject({ preview: edited, outcome: 'edit' });
    // The frame the relay wrote toward the server: masked with a fresh key, compressed (by a fresh compressor here).
    const written =
      release?.type === 'action' && release.fault?.kind === 'release-message' && release.fault.written;
    expect(written).toMatchObject({ opcode: 1, rsv1: true, masked: true, truncated: false });
    expect(written && written.maskKey).toMatch(/^[0-9a-f]{8}$/);
    const sent = Buffer.concat([
      Buffer.from(written ? written.data : '', 'base64'),
      Buffer.from([0, 0, 255, 255]),
    ]);
    expect(inflateRawSync(sent, { finishFlush: constants.Z_SYNC_FLUSH }).toString()).toBe(edited);
    // The client's original is recorded (downstream leg) and marked as edited, with what was sent instead.
    expect(marks(events)).toEqual([['c2s', '{"type":"order","qty":1}', 'edited']]);
  });

  it('the analysis names the inspector when the server reacts to an edited message', async () => {
    const { server, harness, address } = await setup();
    await harness.inspector.setBreakpoints(
      settings({ rules: [{ direction: 'c2s', rule: { jsonPath: '$.qty' } }] }),
    );
    const { ws, side } = await client(address, '/order', server);
    side.ws.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { qty: number }).qty > 10) side.ws.close(4001, 'qty too large');
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('{"qty":1}');
    await expect.poll(() => harness.inspector.listHeld(undefined)).toHaveLength(1);
    const [held] = await harness.inspector.listHeld(undefined);
    await harness.inspector.releaseHeld({ id: held!.id, action: 'edit', kind: 'json', data: '{"qty":99}' });
    expect(await closed).toBe(4001);
    const events = await harness.waitFor((all) => all.some((e) => e.type === 'end'));
    const cause = analyzeSession({ header: { startedAt: 0 }, events }).findings.find(
      (f) => f.id === 'fault.injected' && f.title.startsWith('Failure provoked'),
    );
    expect(cause?.title).toBe(
      "Failure provoked by the inspector's fault injection (held message edited (10 bytes sent) by the user (client → server))",
    );
  });

  it('drops a compressed message from the server: the client still decodes everything after it', async () => {
    const { server, harness, address } = await setup({ deflate: true });
    await harness.inspector.setBreakpoints(
      settings({ rules: [{ direction: 's2c', rule: { regex: '^secret \\d+$' } }] }),
    );
    const { side, received, wire } = await client(address, '/feed', server, true);
    side.ws.send('public news, public news');
    side.ws.send('secret 42');
    side.ws.send('public news, public news, more public news');
    await expect.poll(() => harness.inspector.listHeld(undefined)).toHaveLength(1);
    const [held] = await harness.inspector.listHeld(undefined);
    await harness.inspector.releaseHeld({ id: held!.id, action: 'drop' });
    await expect
      .poll(() => received)
      .toEqual(['public news, public news', 'public news, public news, more public news']);
    side.ws.send('public news again');
    await expect.poll(() => received.at(-1)).toBe('public news again');
    const seen = frames(wire.incoming.bytes()).filter((f) => f.opcode === 1);
    expect(seen.map((f) => [f.masked, f.rsv1])).toEqual([
      [false, true],
      [false, true],
      [false, true],
    ]);
  });

  it('a compressed direction that passed messages before any rule existed is not held later (its window is unknown)', async () => {
    const { server, harness, address } = await setup({ deflate: true });
    const { side, received } = await client(address, '/late', server, true);
    side.ws.send('before any rule');
    await expect.poll(() => received).toEqual(['before any rule']);
    await harness.inspector.setBreakpoints(
      settings({ rules: [{ direction: 's2c', rule: { contains: 'rule' } }] }),
    );
    side.ws.send('after the rule');
    await expect.poll(() => received).toEqual(['before any rule', 'after the rule']);
    expect(await harness.inspector.listHeld(undefined)).toEqual([]);
    // A connection opened once the rule exists is held as usual.
    const next = await client(address, '/late', server, true);
    next.side.ws.send('a rule holds this');
    await expect.poll(() => harness.inspector.listHeld(undefined)).toHaveLength(1);
    expect(next.received).toEqual([]);
  });

  it('holds a fragmented message whole; the hold timeout forwards or drops as chosen', async () => {
    const { server, harness, address } = await setup();
    await harness.inspector.setBreakpoints(
      settings({ rules: [{ direction: 's2c', rule: { contains: 'part' } }], timeoutMs: 300 }),
    );
    const { side, received } = await client(address, '/frag', server);
    side.ws.send('first part, ', { fin: false });
    side.ws.send('second part', { fin: true });
    await expect.poll(() => harness.inspector.listHeld(undefined)).toHaveLength(1);
    const [held] = await harness.inspector.listHeld(undefined);
    expect(Buffer.from(held!.base64, 'base64').toString()).toBe('first part, second part');
    expect(received).toEqual([]);
    await expect.poll(() => received, { timeout: 2000 }).toEqual(['first part, second part']);

    await harness.inspector.setBreakpoints(
      settings({
        rules: [{ direction: 's2c', rule: { contains: 'part' } }],
        timeoutMs: 200,
        onTimeout: 'drop',
      }),
    );
    side.ws.send('third part');
    side.ws.send('end');
    await expect.poll(() => received, { timeout: 2000 }).toEqual(['first part, second part', 'end']);
    const events = await harness.events();
    expect(actions(events)).toEqual([
      'text message of 23 bytes held (server → client; rule: messages containing "part")',
      'held message forwarded unchanged at the hold timeout (server → client)',
      'text message of 10 bytes held (server → client; rule: messages containing "part")',
      'held message dropped at the hold timeout (server → client)',
    ]);
  });

  it('control frames pass unless a rule names them; binary edits go out as hex-given bytes', async () => {
    const { server, harness, address } = await setup();
    await harness.inspector.setBreakpoints(
      settings({
        rules: [
          { direction: 'c2s', rule: { opcode: 'ping' } },
          { direction: 's2c', rule: { opcode: 'binary' } },
        ],
      }),
    );
    const { ws, side, received } = await client(address, '/ctl', server);
    const serverPings: string[] = [];
    side.ws.on('ping', (data: Buffer) => serverPings.push(data.toString()));
    ws.ping('held ping');
    await expect.poll(() => harness.inspector.listHeld(undefined)).toHaveLength(1);
    expect(serverPings).toEqual([]);
    const [ping] = await harness.inspector.listHeld(undefined);
    expect(ping!.opcode).toBe(9);
    await harness.inspector.releaseHeld({ id: ping!.id, action: 'forward' });
    await expect.poll(() => serverPings).toEqual(['held ping']);

    side.ws.send(Buffer.from([1, 2, 3]));
    await expect.poll(() => harness.inspector.listHeld(undefined)).toHaveLength(1);
    const [binary] = await harness.inspector.listHeld(undefined);
    await harness.inspector.releaseHeld({
      id: binary!.id,
      action: 'edit',
      kind: 'binary',
      data: Buffer.from([0xca, 0xfe]).toString('base64'),
    });
    await expect.poll(() => received).toEqual([Buffer.from([0xca, 0xfe])]);

    // An injection toward the server is recorded with the frame as written: masked, uncompressed.
    await harness.inspector.injectMessage({ conn: binary!.conn, direction: 'c2s', kind: 'text', data: 'hi' });
    const injected = (await harness.events()).find(
      (e) => e.type === 'action' && e.fault?.kind === 'inject-message',
    );
    const frame =
      injected?.type === 'action' && injected.fault?.kind === 'inject-message' && injected.fault.written;
    expect(frame).toMatchObject({ opcode: 1, rsv1: false, masked: true, headerLength: 6, payloadLength: 2 });
    expect(Buffer.from(frame ? frame.data : '', 'base64').toString()).toBe('hi');
  });

  it('bad input gets a clear message and changes nothing', async () => {
    const { server, harness, address } = await setup();
    expect(() => setBreakpointsRequest({ rules: [{ direction: 's2c', rule: { regex: '(' } }] })).toThrow(
      /invalid regex "\(": /,
    );
    expect(() => releaseHeldRequest({ id: 'c1-h1', action: 'edit', kind: 'json', data: '{"a":' })).toThrow(
      /expected data that is valid JSON/,
    );
    expect(() => releaseHeldRequest({ id: 'c1-h1', action: 'edit' })).toThrow(/an edit needs kind and data/);
    expect(() => releaseHeldRequest({ id: 'c1-h1', action: 'drop', data: 'x' })).toThrow(
      /kind and data only with action edit/,
    );
    await harness.inspector.setBreakpoints(
      settings({ rules: [{ direction: 's2c', rule: { contains: 'x' } }] }),
    );
    const { ws, side, received } = await client(address, '/bad', server);
    side.ws.send('x marks the spot');
    await expect.poll(() => harness.inspector.listHeld(undefined)).toHaveLength(1);
    const [held] = await harness.inspector.listHeld(undefined);
    ws.terminate();
    await harness.waitFor((all) => all.some((e) => e.type === 'end'));
    await expect(harness.inspector.releaseHeld({ id: held!.id, action: 'forward' })).rejects.toThrow(
      /is not held \(released already, or its connection closed\)/,
    );
    expect(await harness.inspector.listHeld(undefined)).toEqual([]);
    expect(received).toEqual([]);
  });
});
