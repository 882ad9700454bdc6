// Writes a large session file: one proxied connection (handshake on both legs) with N text frames alternating
// client → server (masked) and server → client, each with its message record, every 1000th a ping/pong pair, a
// frame past the 64 KiB preview every 100,000 frames, then the closing handshake and FIN of both legs. For the
// streaming analyze/export bench and tests. Usage: node bench/gen-session.js FRAMES OUT.jsonl
import { createWriteStream } from 'node:fs';

export async function writeSession(frames, path) {
  const out = createWriteStream(path);
  const write = (record) =>
    out.write(JSON.stringify(record) + '\n')
      ? undefined
      : new Promise((resolve) => out.once('drain', resolve));
  const conn = 'p1';
  const startedAt = 1_800_000_000_000;
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';
  const request = `GET /feed HTTP/1.1\r\nHost: 127.0.0.1:9000\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  const response =
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';
  const headers = (raw) =>
    raw
      .split('\r\n')
      .slice(1)
      .filter((l) => l.includes(':'))
      .map((l) => ({ name: l.slice(0, l.indexOf(':')), value: l.slice(l.indexOf(':') + 1).trim() }));
  const requestHead = {
    method: 'GET',
    target: '/feed',
    httpVersion: '1.1',
    headers: headers(request),
    raw: request,
  };
  const responseHead = {
    httpVersion: '1.1',
    status: 101,
    statusText: 'Switching Protocols',
    headers: headers(response),
    raw: response,
  };
  await write({ format: 'wsi-session', version: 1, startedAt, producer: 'bench gen-session' });
  await write({
    type: 'connection',
    conn,
    t: 1,
    mode: 'proxy',
    url: 'ws://127.0.0.1:9000/feed',
    at: startedAt + 1,
    target: 'ws://127.0.0.1:8080',
  });
  await write({ type: 'tcp', conn, t: 1.1, leg: 'downstream', kind: 'connect', side: 'server' });
  await write({ type: 'http-request', conn, t: 1.2, leg: 'downstream', head: requestHead });
  await write({ type: 'tcp', conn, t: 1.3, leg: 'upstream', kind: 'connect', side: 'server' });
  await write({ type: 'http-request', conn, t: 1.4, leg: 'upstream', head: requestHead });
  await write({
    type: 'http-response',
    conn,
    t: 2,
    leg: 'upstream',
    head: responseHead,
    accept: 'ok',
    timing: {},
  });
  await write({
    type: 'http-response',
    conn,
    t: 2.1,
    leg: 'downstream',
    head: responseHead,
    accept: 'ok',
    timing: {},
  });
  await write({ type: 'open', conn, t: 2.2, protocol: '', extensions: [] });
  const offset = { c2s: 0, s2c: 0 };
  const seq = { c2s: 0, s2c: 0 };
  let messageId = 0;
  let t = 3;
  const frame = async (dir, opcode, payload, payloadLength = payload.length) => {
    const masked = dir === 'c2s';
    const lengthEncoding = payloadLength < 126 ? 7 : payloadLength < 65536 ? 16 : 64;
    const headerLength = 2 + (lengthEncoding === 16 ? 2 : lengthEncoding === 64 ? 8 : 0) + (masked ? 4 : 0);
    const data = payload.toString('base64');
    const truncated = payload.length < payloadLength;
    const id = opcode < 8 ? messageId++ : undefined;
    const s = seq[dir]++;
    await write({
      type: 'frame',
      conn,
      t,
      frame: {
        seq: s,
        dir,
        offset: offset[dir],
        fin: true,
        rsv1: false,
        rsv2: false,
        rsv3: false,
        opcode,
        masked,
        ...(masked ? { maskKey: '37fa213d' } : {}),
        lengthEncoding,
        headerLength,
        payloadLength,
        data,
        truncated,
        ...(id !== undefined ? { messageId: id } : {}),
        ...(opcode === 8 ? { close: { code: 1000, reason: '' } } : {}),
      },
    });
    offset[dir] += headerLength + payloadLength;
    if (id !== undefined)
      await write({
        type: 'message',
        conn,
        t,
        message: {
          id,
          dir,
          opcode,
          frames: [s],
          wireSize: headerLength + payloadLength,
          size: payloadLength,
          compressed: false,
          data,
          truncated,
          utf8Valid: true,
        },
      });
  };
  const big = Buffer.alloc(65_536, 0x62);
  for (let i = 0; i < frames; i++) {
    t += 0.05;
    const dir = i % 2 === 0 ? 'c2s' : 's2c';
    if (i % 100_000 === 50_000) await frame(dir, 1, big, 200_000);
    else if (i % 1000 === 998) await frame(dir, 9, Buffer.from(`p${i}`));
    else if (i % 1000 === 999) await frame(dir, 10, Buffer.from(`p${i - 1}`));
    else await frame(dir, 1, Buffer.from(JSON.stringify({ type: 'tick', n: i, price: 100 + (i % 50) })));
  }
  const close = Buffer.from([0x03, 0xe8]);
  t += 1;
  await frame('c2s', 8, close);
  await frame('s2c', 8, close);
  t += 0.1;
  await write({ type: 'tcp', conn, t, leg: 'upstream', kind: 'fin', side: 'server' });
  await write({ type: 'tcp', conn, t: t + 0.1, leg: 'downstream', kind: 'fin', side: 'client' });
  await write({ type: 'end', conn, t: t + 0.2 });
  await new Promise((resolve) => out.end(resolve));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [frames, path] = [Number(process.argv[2] ?? 1_000_000), process.argv[3] ?? 'session.jsonl'];
  await writeSession(frames, path);
}
