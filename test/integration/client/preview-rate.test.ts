import { afterEach, describe, expect, it } from 'vitest';
import { startEchoServer, type RunningWsServer } from '../../helpers/ws-servers.js';
import { framesOf, ofType, record } from './helpers.js';

let server: RunningWsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('preview rate', () => {
  it('cuts previews to 255 bytes during a burst, records every frame, and restores them when it is over', async () => {
    server = await startEchoServer({ perMessageDeflate: false });
    // 200 KB/s of previews: a window (250 ms) may hold 50 KB before previews are cut.
    const rec = record({ previewRateLimit: 200_000 });
    const { conn } = await rec.inspector.connect({ url: `${server.url}/burst` });
    await rec.waitFor((e) => e.type === 'open');
    const body = 'é'.repeat(10_000); // 20,000 bytes of UTF-8
    const BURST = 40;
    for (let i = 0; i < BURST; i++) await rec.inspector.send({ conn, kind: 'text', data: body });
    await rec.waitFor(
      (e) => e.type === 'message' && e.message.dir === 's2c' && e.message.id >= 2 * BURST - 1,
    );
    // Quiet for more than two windows, then one more message.
    await new Promise((resolve) => setTimeout(resolve, 700));
    await rec.inspector.send({ conn, kind: 'text', data: body });
    await rec.waitFor(
      (e) => e.type === 'message' && e.message.dir === 's2c' && e.message.id >= 2 * BURST + 1,
    );
    await rec.inspector.close({ conn, code: 1000 });
    const events = await rec.ended(conn);
    await rec.inspector.dispose();

    const data = framesOf(events).filter((f) => f.opcode === 1);
    expect(data).toHaveLength(2 * (BURST + 1)); // nothing dropped
    const cut = data.filter((f) => f.truncated);
    expect(cut.length).toBeGreaterThan(BURST);
    for (const frame of cut) {
      expect(Buffer.from(frame.data, 'base64')).toHaveLength(255);
      expect(frame.payloadLength).toBe(20_000);
      expect(frame.ref).toBeUndefined();
    }
    // The first frames of the burst came before the rate was known to be high.
    expect(data[0]?.truncated).toBe(false);
    const messages = ofType(events, 'message').map((e) => e.message);
    expect(messages.filter((m) => m.truncated)).toHaveLength(cut.length);
    // UTF-8 validity is judged on the whole payload, not on the cut preview (which ends mid-character).
    expect(messages.every((m) => m.utf8Valid === true && m.size === 20_000)).toBe(true);
    // After the quiet spell the preview is whole again, both ways.
    const last = data.slice(-2);
    expect(last.map((f) => f.truncated)).toEqual([false, false]);
    expect(Buffer.from(last[1]?.data ?? '', 'base64').toString('utf8')).toBe(body);
  });
});
