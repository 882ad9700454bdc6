import { afterEach, describe, expect, it } from 'vitest';
import type { ProxyInfo } from '../../../shared/api/contract.js';
import { rewriteRequestHead, reverseTarget } from '../../../main/proxy/head-rewrite.js';
import { endedConnection, proxyHarness } from '../../helpers/proxy-harness.js';
import { readUntil, startRawServer, tappedConnection, upgradeRequest } from '../../helpers/proxy-wire.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('request head forwarding', () => {
  it('keeps order, case, spacing and duplicates; edits only the Host value in place', () => {
    const raw =
      'GET /x HTTP/1.1\r\nhost:  proxy:8080\r\nX-B: 1\r\nx-a:2\r\nX-B: 3\r\nsec-websocket-KEY: k\r\nUpgrade: websocket\r\n\r\n';
    expect(rewriteRequestHead(raw, { host: 'origin.example' })).toBe(
      raw.replace('host:  proxy:8080', 'host:  origin.example'),
    );
    expect(rewriteRequestHead(raw, {})).toBe(raw);
    const bareLf = 'GET / HTTP/1.0\nX: y\n\n';
    expect(rewriteRequestHead(bareLf, { host: 'h' })).toBe('GET / HTTP/1.0\nX: y\nHost: h\n\n');
  });

  it('maps request targets onto a target path prefix', () => {
    const target = new URL('wss://h/base/');
    expect(reverseTarget('/', target)).toBe('/base/');
    expect(reverseTarget('/x?y=1', target)).toBe('/base/x?y=1');
    expect(reverseTarget('/x', new URL('ws://h'))).toBe('/x');
    expect(reverseTarget('/', new URL('ws://h/ws?token=1'))).toBe('/ws?token=1');
  });

  it('sends the client head upstream byte for byte apart from Host, over a real connection', async () => {
    const server = await startRawServer();
    cleanups.push(() => server.close());
    const harness = proxyHarness();
    cleanups.push(() => harness.dispose());
    const pushes: ProxyInfo[][] = [];
    const unsubscribe = harness.inspector.on('proxies', (list) => pushes.push(list));
    const info = await harness.inspector.startProxy({
      mode: 'reverse',
      target: `ws://127.0.0.1:${server.port}/base`,
    });
    const port = Number(info.address.split(':').pop());
    const client = tappedConnection(port);
    const serverSide = server.nextConnection();
    const { head } = upgradeRequest('/room?id=7', `127.0.0.1:${port}`, [
      'x-lower: a',
      'X-UPPER:b',
      'Cookie: one=1',
      'Cookie: two=2',
      'Origin: http://page.example',
      'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits',
    ]);
    client.socket.write(head);
    await readUntil(client.incoming, client.socket, (all) => all.includes('\r\n\r\n'));
    const side = await serverSide;
    const expected = head
      .replace('GET /room?id=7 ', 'GET /base/room?id=7 ')
      .replace(`Host: 127.0.0.1:${port}`, `Host: 127.0.0.1:${server.port}`);
    expect(side.incoming.bytes().toString('latin1')).toBe(expected);
    for (let i = 0; i < 100 && !pushes.some((list) => list[0]?.connections === 1); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    client.socket.end();
    side.socket.end();
    await endedConnection(harness, '/base/room?id=7');

    expect(pushes.some((list) => list[0]?.connections === 1)).toBe(true);
    await harness.inspector.stopProxy({ id: info.id });
    expect(pushes.at(-1)).toEqual([]);
    unsubscribe();
  });
});
