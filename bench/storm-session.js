// Writes a reconnect-storm session file: COUNT short client connections, in chains of CHAIN attempts to one endpoint
// (each attempt a `reconnectOf` the previous one), every attempt: open, one message each way, a close handshake, end.
// Attempt i sends "hello from attempt i"; every 1000th server reply carries "rare-needle".
// For the UI bench and the e2e test of a 10,000-connection session.
// Usage: node bench/storm-session.js COUNT OUT.jsonl [CHAIN]
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function writeStormSession(count, path, chain = 100) {
  const out = createWriteStream(path);
  const write = (record) =>
    out.write(JSON.stringify(record) + '\n')
      ? undefined
      : new Promise((resolve) => out.once('drain', resolve));
  const startedAt = 1_800_000_000_000;
  await write({ format: 'wsi-session', version: 1, startedAt, producer: 'storm-session' });
  let needles = 0;
  const frame = (seq, dir, opcode, payload, extra = {}) => {
    const masked = dir === 'c2s';
    return {
      seq,
      dir,
      offset: 0,
      fin: true,
      rsv1: false,
      rsv2: false,
      rsv3: false,
      opcode,
      masked,
      ...(masked ? { maskKey: '01020304' } : {}),
      lengthEncoding: 7,
      headerLength: masked ? 6 : 2,
      payloadLength: payload.length,
      data: payload.toString('base64'),
      truncated: false,
      ...extra,
    };
  };
  for (let i = 0; i < count; i++) {
    const conn = `c${i + 1}`;
    const client = Math.floor(i / chain);
    const attempt = i % chain;
    const t = i * 5;
    await write({
      type: 'connection',
      conn,
      t,
      mode: 'client',
      url: `ws://storm.local/feed?client=${client}`,
      at: startedAt + t,
      ...(attempt > 0 ? { reconnectOf: `c${i}`, attempt } : {}),
    });
    await write({ type: 'open', conn, t: t + 1, protocol: '', extensions: [] });
    const needle = i % 1000 === 999;
    if (needle) needles++;
    const messages = [
      ['c2s', Buffer.from(`hello from attempt ${i + 1}`)],
      ['s2c', Buffer.from(needle ? `welcome ${i + 1} rare-needle` : `welcome ${i + 1}`)],
    ];
    for (const [seq, [dir, payload]] of messages.entries()) {
      const f = frame(seq, dir, 1, payload, { messageId: seq });
      await write({ type: 'frame', conn, t: t + 2 + seq, frame: f });
      await write({
        type: 'message',
        conn,
        t: t + 2 + seq,
        message: {
          id: seq,
          dir,
          opcode: 1,
          frames: [seq],
          wireSize: payload.length,
          size: payload.length,
          compressed: false,
          data: f.data,
          truncated: false,
          utf8Valid: true,
        },
      });
    }
    const close = Buffer.from([0x03, 0xe9]);
    await write({
      type: 'frame',
      conn,
      t: t + 4,
      frame: frame(2, 's2c', 8, close, { close: { code: 1001, reason: '' } }),
    });
    await write({
      type: 'frame',
      conn,
      t: t + 4.5,
      frame: frame(3, 'c2s', 8, close, { close: { code: 1001, reason: '' } }),
    });
    await write({ type: 'end', conn, t: t + 4.8 });
  }
  await new Promise((resolve) => out.end(resolve));
  return { connections: count, needles };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [count, path, chain] = process.argv.slice(2);
  if (!count || !path) {
    console.error('Usage: node bench/storm-session.js COUNT OUT.jsonl [CHAIN]');
    process.exit(2);
  }
  const written = await writeStormSession(Number(count), path, chain ? Number(chain) : undefined);
  console.log(JSON.stringify(written));
}
