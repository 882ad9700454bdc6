import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { injectMessageRequest } from '../../../shared/api/contract.js';
import { proxyHarness, type ProxyHarness } from '../../helpers/proxy-harness.js';
import { startEchoServer, startWsServer } from '../../helpers/ws-servers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function through(serverUrl: string, deflate = false) {
  const harness: ProxyHarness = proxyHarness({ capture: 'inline' });
  cleanups.push(() => harness.dispose());
  const info = await harness.inspector.startProxy({ mode: 'reverse', target: serverUrl });
  const ws = new WebSocket(`ws://${info.address}/`, { perMessageDeflate: deflate });
  cleanups.push(() => ws.terminate());
  const received: (string | Buffer)[] = [];
  const pings: string[] = [];
  ws.on('message', (data: Buffer, isBinary) => received.push(isBinary ? data : data.toString()));
  ws.on('ping', (data: Buffer) => pings.push(data.toString()));
  const closed = new Promise<[number, string]>((resolve) =>
    ws.once('close', (code, reason) => resolve([code, reason.toString()])),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const events = await harness.waitFor((all) => all.some((e) => e.type === 'open'));
  const conn = events.find((e) => e.type === 'open')!.conn;
  return { harness, ws, conn, received, pings, closed };
}

describe('injecting messages into a proxied connection', () => {
  it('writes text, JSON, binary and ping frames either way; the peers take them as their own traffic', async () => {
    const server = await startEchoServer({ perMessageDeflate: { threshold: 0 } });
    cleanups.push(() => server.close());
    const { harness, ws, conn, received, pings } = await through(server.url, true);
    ws.send('from the client');
    await expect.poll(() => received).toEqual(['from the client']);

    // Towards the server: masked, uncompressed; the echo server answers it (compressed) like any message.
    await harness.inspector.injectMessage({ conn, direction: 'c2s', kind: 'text', data: 'injected ↑' });
    await expect.poll(() => received).toEqual(['from the client', 'injected ↑']);
    await harness.inspector.injectMessage({ conn, direction: 's2c', kind: 'json', data: '{"a":1}' });
    await harness.inspector.injectMessage({ conn, direction: 's2c', kind: 'binary', data: 'AQL/' });
    await harness.inspector.injectMessage({ conn, direction: 's2c', kind: 'ping', data: 'hb' });
    await expect.poll(() => received.length).toBe(4);
    expect(received[2]).toBe('{"a":1}');
    expect(received[3]).toEqual(Buffer.from([1, 2, 255]));
    await expect.poll(() => pings).toEqual(['hb']);
    ws.send('still relayed');
    await expect.poll(() => received.at(-1)).toBe('still relayed');

    const events = await harness.events();
    const injected = events.flatMap((e) =>
      e.type === 'action' && e.fault?.kind === 'inject-message' ? [e.detail] : [],
    );
    expect(injected).toEqual([
      'text of 12 bytes injected (client → server)',
      'text of 7 bytes injected (server → client)',
      'binary of 3 bytes injected (server → client)',
      'ping of 2 bytes injected (server → client)',
    ]);
    // The downstream leg shows what the client received, injected frames included.
    const s2cText = events.filter((e) => e.type === 'message' && e.message.dir === 's2c');
    expect(s2cText.length).toBeGreaterThanOrEqual(4);
  });

  it('a close with code and reason toward the server: the server closes with it', async () => {
    const closes: [number, string][] = [];
    const server = await startWsServer((socket) =>
      socket.on('close', (code, reason) => closes.push([code, reason.toString()])),
    );
    cleanups.push(() => server.close());
    const { harness, conn, closed } = await through(server.url);
    await harness.inspector.injectMessage({
      conn,
      direction: 'c2s',
      kind: 'close',
      code: 4005,
      reason: 'qa',
    });
    expect(await closed).toEqual([4005, 'qa']);
    await expect.poll(() => closes).toEqual([[4005, 'qa']]);
  });

  it('bad input gets a clear message and changes nothing', async () => {
    const server = await startEchoServer();
    cleanups.push(() => server.close());
    const { harness, ws, conn, received } = await through(server.url);
    const request = (r: unknown) => () => injectMessageRequest(r);
    expect(request({ conn, direction: 's2c', kind: 'json', data: '{"a":' })).toThrow(
      /invalid payload at \(root\): expected data that is valid JSON/,
    );
    expect(request({ conn, direction: 's2c', kind: 'close' })).toThrow(/a close needs a code/);
    expect(request({ conn, direction: 's2c', kind: 'close', code: 1006 })).toThrow(
      /close code that may be sent/,
    );
    expect(request({ conn, direction: 'up', kind: 'text' })).toThrow(/direction/);
    expect(request({ conn, direction: 's2c', kind: 'ping', data: 'x'.repeat(126) })).toThrow(
      /at most 125 bytes/,
    );
    await expect(
      harness.inspector.injectMessage({ conn: 'c999', direction: 's2c', kind: 'text', data: 'x' }),
    ).rejects.toThrow('no open proxied WebSocket connection "c999"');
    ws.close();
    await harness.waitFor((all) => all.some((e) => e.type === 'end'));
    await expect(
      harness.inspector.injectMessage({ conn, direction: 's2c', kind: 'text', data: 'late' }),
    ).rejects.toThrow(/no open proxied WebSocket connection|already closed/);
    expect(received).toEqual([]);
    const events = await harness.events();
    expect(events.filter((e) => e.type === 'action')).toEqual([]);
  });
});
