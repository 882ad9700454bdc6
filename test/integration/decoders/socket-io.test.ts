import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { decodedConnection, kinds, listen, proxyTo } from './capture.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('Socket.IO traffic from socket.io and socket.io-client, captured by the proxy', () => {
  it('decodes the open packet, connects, events with acks, binary attachments and the heartbeat', async () => {
    const http = createServer();
    const server = new Server(http, { transports: ['websocket'], pingInterval: 150, pingTimeout: 1000 });
    server.on('connection', (socket) => {
      socket.on('chat:message', (text: string, ack: (reply: unknown) => void) =>
        ack({ ok: true, echo: text }),
      );
      socket.on('upload', (data: Buffer, ack: (size: number) => void) => ack(data.length));
    });
    server.of('/admin').use((_socket, next) => next(new Error('Not authorized')));
    const port = await listen(http);
    cleanups.push(() => new Promise<void>((resolve) => void server.close(() => resolve())));
    const proxied = await proxyTo(port);
    cleanups.push(() => proxied.dispose());

    const client = connect(`ws://${proxied.address}`, { transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve) => client.on('connect', () => resolve()));
    const reply = (await client.emitWithAck('chat:message', 'hello')) as { echo: string };
    expect(reply.echo).toBe('hello');
    expect(await client.emitWithAck('upload', Buffer.from([1, 2, 3, 4]))).toBe(4);
    const admin = connect(`ws://${proxied.address}/admin`, {
      transports: ['websocket'],
      reconnection: false,
    });
    const refusal = await new Promise<Error>((resolve) => admin.on('connect_error', resolve));
    expect(refusal.message).toBe('Not authorized');
    // Stay connected over two ping intervals so the real heartbeat is on the wire.
    await new Promise((resolve) => setTimeout(resolve, 400));
    client.disconnect();
    admin.disconnect();

    const { analysis, findings } = await decodedConnection(proxied, 'EIO=4');
    expect(analysis.choice).toMatchObject({ protocol: 'socket.io', by: 'url' });
    expect(analysis.undecodable).toBe(0);
    expect(analysis.engineIo).toMatchObject({ pingInterval: 150, pingTimeout: 1000 });
    const sent = analysis.messages.filter((m) => m.side === 'client').map((m) => m.decoded);
    expect(sent.find((d) => d.event === 'chat:message')).toMatchObject({ kind: 'EVENT', id: '0' });
    expect(sent.find((d) => d.event === 'upload')).toMatchObject({
      kind: 'BINARY_EVENT',
      fields: { attachments: 1 },
    });
    expect(kinds(analysis, 'client')).toContain('attachment');
    expect(kinds(analysis, 'server')).toEqual(expect.arrayContaining(['open', 'CONNECT', 'ACK', 'ping']));
    // Acks and the namespace connect paired with their requests, with latency.
    const acks = analysis.requests.filter((r) => r.label.startsWith('ack'));
    expect(acks.map((r) => r.label)).toEqual(['ack 0', 'ack 1']);
    for (const ack of acks) expect(ack.latencyMs).toBeGreaterThanOrEqual(0);
    expect(analysis.requests.find((r) => r.label === 'connect /')?.replySeq).toBeDefined();
    // socket.io-client answers every Engine.IO ping, but the last one may have been on the wire as it left (a loaded
    // machine lost this race in CI).
    const beats = analysis.heartbeats.filter((h) => h.label === 'Engine.IO ping/pong');
    expect(beats.length).toBeGreaterThanOrEqual(2);
    for (const beat of beats.slice(0, -1)) expect(beat.latencyMs).toBeGreaterThanOrEqual(0);
    expect(findings.map((f) => f.id)).not.toContain('socketio.ping-timeout');
    // The /admin namespace is multiplexed on the same WebSocket: its refusal is decoded and reported.
    expect(sent.find((d) => d.kind === 'CONNECT' && d.topic === '/admin')).toBeDefined();
    expect(findings.find((f) => f.id === 'socketio.connect-error')?.title).toBe(
      'Socket.IO refused the connection to a namespace: “Not authorized”',
    );
  });
});
