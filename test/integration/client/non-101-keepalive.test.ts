import { afterEach, describe, expect, it } from 'vitest';
import { startRawServer, type RunningRawServer } from '../../helpers/raw-servers.js';
import { ofType, record } from './helpers.js';

let server: RunningRawServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const keepAliveAnswer = (status: string, body: string, extra: string[] = []): string =>
  [
    `HTTP/1.1 ${status}`,
    'Connection: keep-alive',
    'Content-Type: text/plain',
    ...extra,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');

describe('client connection after a non-101 answer on a kept-alive connection', () => {
  it.each<[string, string, string[]]>([
    ['426 Upgrade Required', 'use websocket', []],
    ['401 Unauthorized', 'no token', ['WWW-Authenticate: Bearer']],
  ])('closes its socket after a %s and records tcp fin + end', async (status, body, extra) => {
    server = await startRawServer((socket) => socket.write(keepAliveAnswer(status, body, extra)));
    const rec = record();
    const started = Date.now();
    const { conn } = await rec.inspector.connect({ url: server.url });
    const events = await rec.ended(conn, 4_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    const response = ofType(events, 'http-response')[0];
    expect(response?.head.status).toBe(Number(status.slice(0, 3)));
    expect(Buffer.from(response?.body?.base64 ?? '', 'base64').toString()).toBe(body);
    expect(ofType(events, 'error').map((e) => e.code)).toEqual(['UNEXPECTED_RESPONSE']);
    expect(ofType(events, 'tcp').map((e) => `${e.kind}:${e.side}`)).toContain('fin:client');
    expect(events.at(-1)?.type).toBe('end');
    await rec.inspector.dispose();
  });

  it('gives up on a body that never completes and still ends the connection', async () => {
    server = await startRawServer((socket) =>
      socket.write(
        'HTTP/1.1 401 Unauthorized\r\nConnection: keep-alive\r\nContent-Length: 1000\r\n\r\npartial',
      ),
    );
    const rec = record();
    const started = Date.now();
    const { conn } = await rec.inspector.connect({ url: server.url });
    const events = await rec.ended(conn, 5_000);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(ofType(events, 'http-response')[0]?.head.status).toBe(401);
    expect(ofType(events, 'tcp').map((e) => `${e.kind}:${e.side}`)).toContain('fin:client');
    expect(events.at(-1)?.type).toBe('end');
    await rec.inspector.dispose();
  });
});
