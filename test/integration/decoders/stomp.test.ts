import { createServer } from 'node:http';
import { Client } from '@stomp/stompjs';
import type { IMessage } from '@stomp/stompjs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { analyzeHeartbeat } from '../../../shared/analysis/heartbeat.js';
import { decodedConnection, kinds, listen, proxyTo } from './capture.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const HEART_BEAT_MS = 100;

interface Frame {
  command: string;
  headers: Record<string, string>;
  body: string;
}

// STOMP 1.2 §Value Encoding (every frame but CONNECT/CONNECTED).
const escape = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/:/g, '\\c');
const unescape = (value: string): string =>
  value.replace(/\\([\\rnc])/g, (_m, c: string) => ({ '\\': '\\', r: '\r', n: '\n', c: ':' })[c] ?? c);

function encode(command: string, headers: Record<string, string>, body = ''): string {
  const lines = Object.entries(headers).map(([name, value]) =>
    command === 'CONNECTED' ? `${name}:${value}` : `${escape(name)}:${escape(value)}`,
  );
  return `${command}\n${lines.join('\n')}\n\n${body}\0`;
}

/** The frames of one WebSocket message; a message of EOLs only (a heart-beat) holds none. */
function parse(message: string): Frame[] {
  return message
    .split('\0')
    .map((raw) => raw.replace(/^(\r?\n)+/, ''))
    .filter((raw) => raw !== '')
    .map((raw) => {
      const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
      const [command = '', ...lines] = head.split(/\r?\n/);
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon);
        const value = line.slice(colon + 1);
        const [n, v] =
          command === 'CONNECT' || command === 'STOMP' ? [name, value] : [unescape(name), unescape(value)];
        if (!(n in headers)) headers[n] = v;
      }
      return { command, headers, body: rest.join('\n\n') };
    });
}

/**
 * A small STOMP 1.2 broker over WebSocket: CONNECT → CONNECTED with heart-beat negotiation, SUBSCRIBE / SEND →
 * MESSAGE to each subscription of the destination, RECEIPT for every frame with a `receipt` header, heart-beats at
 * the negotiated rate, DISCONNECT; SEND to a destination under /forbidden/ gets an ERROR frame and the connection ends.
 */
async function startBroker(): Promise<number> {
  const http = createServer();
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (offered) => (offered.has('v12.stomp') ? 'v12.stomp' : false),
  });
  wss.on('connection', (socket) => {
    const subscriptions = new Map<string, string>(); // id -> destination
    let messageIds = 0;
    let beats: NodeJS.Timeout | undefined;
    const send = (command: string, headers: Record<string, string>, body = '') =>
      socket.send(encode(command, headers, body));
    socket.on('close', () => clearInterval(beats));
    socket.on('message', (data) => {
      const text = new TextDecoder().decode(Array.isArray(data) ? Buffer.concat(data) : data);
      for (const frame of parse(text)) {
        const { command, headers } = frame;
        if (command === 'CONNECT' || command === 'STOMP') {
          // heart-beat: cx,cy from the client; the server sends every max(sx, cy) and wants max(cx, sy).
          const [, cy = 0] = (headers['heart-beat'] ?? '0,0').split(',').map(Number);
          send('CONNECTED', {
            version: '1.2',
            server: 'test-broker/1.0',
            'heart-beat': `${HEART_BEAT_MS},${HEART_BEAT_MS}`,
          });
          if (cy > 0) beats = setInterval(() => socket.send('\n'), Math.max(HEART_BEAT_MS, cy));
          continue;
        }
        if (command === 'SEND' && headers.destination?.startsWith('/forbidden/')) {
          send(
            'ERROR',
            {
              message: `no permission to send to ${headers.destination}`,
              'receipt-id': headers.receipt ?? '',
            },
            'The broker refused the frame.',
          );
          socket.close();
          return;
        }
        if (command === 'SUBSCRIBE' && headers.id && headers.destination) {
          subscriptions.set(headers.id, headers.destination);
        }
        if (command === 'SEND') {
          for (const [id, destination] of subscriptions) {
            if (destination !== headers.destination) continue;
            send(
              'MESSAGE',
              {
                subscription: id,
                'message-id': `m-${++messageIds}`,
                destination,
                'content-type': headers['content-type'] ?? 'text/plain',
              },
              frame.body,
            );
          }
        }
        if (headers.receipt !== undefined) send('RECEIPT', { 'receipt-id': headers.receipt });
        if (command === 'DISCONNECT') socket.close();
      }
    });
  });
  const port = await listen(http);
  cleanups.push(async () => {
    for (const client of wss.clients) client.terminate();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
  return port;
}

function stompClient(url: string): Client {
  return new Client({
    webSocketFactory: () => new WebSocket(url, ['v12.stomp', 'v11.stomp', 'v10.stomp']),
    heartbeatIncoming: HEART_BEAT_MS,
    heartbeatOutgoing: HEART_BEAT_MS,
    reconnectDelay: 0,
  });
}

function connected(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    client.onConnect = () => resolve();
    client.onWebSocketError = () => reject(new Error('WebSocket error'));
    client.activate();
  });
}

describe('STOMP traffic from @stomp/stompjs and a STOMP 1.2 broker, captured by the proxy', () => {
  it('decodes CONNECT/CONNECTED, SUBSCRIBE, SEND, MESSAGE and RECEIPT, pairs receipts and keeps heart-beats one-way', async () => {
    const proxied = await proxyTo(await startBroker());
    cleanups.push(() => proxied.dispose());
    const client = stompClient(`ws://${proxied.address}/stomp-ok`);
    await connected(client);

    const subscribed = new Promise<void>((resolve) => client.watchForReceipt('subscribed', () => resolve()));
    const received = new Promise<IMessage>((resolve) =>
      client.subscribe('/topic/chat', resolve, { receipt: 'subscribed' }),
    );
    await subscribed;
    const sent = new Promise<void>((resolve) => client.watchForReceipt('sent', () => resolve()));
    client.publish({
      destination: '/topic/chat',
      body: 'hello: over STOMP',
      headers: { receipt: 'sent', 'content-type': 'text/plain' },
    });
    expect((await received).body).toBe('hello: over STOMP');
    await sent;
    // Heart-beats every 100 ms both ways: leave time for a few from each side.
    await new Promise((resolve) => setTimeout(resolve, 5 * HEART_BEAT_MS));
    await client.deactivate();

    const { events, analysis, findings } = await decodedConnection(proxied, '/stomp-ok');
    expect(analysis.choice).toMatchObject({ protocol: 'stomp', by: 'subprotocol' });
    expect(analysis.undecodable).toBe(0);
    const commands = (side: 'client' | 'server') => kinds(analysis, side).filter((k) => k !== 'heart-beat');
    expect(commands('client')).toEqual(['CONNECT', 'SUBSCRIBE', 'SEND', 'DISCONNECT']);
    expect(commands('server')).toEqual(['CONNECTED', 'RECEIPT', 'MESSAGE', 'RECEIPT', 'RECEIPT']);

    const decoded = (kind: string) => analysis.messages.find((m) => m.decoded.kind === kind)?.decoded;
    expect(decoded('CONNECT')?.fields.headers).toMatchObject({
      'accept-version': '1.2,1.1,1.0',
      'heart-beat': `${HEART_BEAT_MS},${HEART_BEAT_MS}`,
    });
    expect(decoded('CONNECTED')?.fields.headers).toMatchObject({ version: '1.2', server: 'test-broker/1.0' });
    expect(decoded('SUBSCRIBE')).toMatchObject({ topic: '/topic/chat', id: 'subscribed' });
    expect(decoded('SEND')).toMatchObject({ topic: '/topic/chat', fields: { body: 'hello: over STOMP' } });
    expect(decoded('MESSAGE')).toMatchObject({
      topic: '/topic/chat',
      id: 'm-1',
      fields: { body: 'hello: over STOMP', headers: { subscription: 'sub-0', 'message-id': 'm-1' } },
    });

    // CONNECT → CONNECTED and every receipt → its RECEIPT, with a latency; nothing left unanswered.
    expect(analysis.requests.map((r) => r.label)).toEqual([
      'CONNECT',
      'receipt subscribed',
      'receipt sent',
      expect.stringMatching(/^receipt /), // stompjs's DISCONNECT receipt
    ]);
    for (const request of analysis.requests) {
      expect(request.replySeq, request.label).toBeDefined();
      expect(request.latencyMs, request.label).toBeGreaterThanOrEqual(0);
    }
    expect(analysis.unansweredRequests).toEqual([]);

    // Heart-beats are lone EOLs sent by each side on its own schedule: one-way, never paired, never "unanswered".
    const beats = (side: 'client' | 'server') => analysis.heartbeats.filter((h) => h.side === side);
    expect(beats('client').length).toBeGreaterThanOrEqual(2);
    expect(beats('server').length).toBeGreaterThanOrEqual(2);
    for (const beat of analysis.heartbeats) {
      expect(beat.label).toBe('STOMP heart-beat');
      expect(beat.replySeq).toBeUndefined();
    }
    const heartbeat = analyzeHeartbeat(events);
    expect(heartbeat.app?.convention).toBe('STOMP heart-beat');
    expect(heartbeat.app?.unanswered).toEqual([]);
    expect(findings.map((f) => f.id)).not.toContain('heartbeat.app-unanswered');
    expect(findings.map((f) => f.id)).not.toContain('stomp.error');
  });

  it('reports the broker ERROR frame as a finding', async () => {
    const proxied = await proxyTo(await startBroker());
    cleanups.push(() => proxied.dispose());
    const client = stompClient(`ws://${proxied.address}/stomp-error`);
    await connected(client);
    const error = new Promise<string>((resolve) => {
      client.onStompError = (frame) => resolve(frame.headers.message ?? '');
    });
    const closed = new Promise<void>((resolve) => {
      client.onWebSocketClose = () => resolve();
    });
    client.publish({ destination: '/forbidden/admin', body: 'drop tables', headers: { receipt: 'send-9' } });
    expect(await error).toBe('no permission to send to /forbidden/admin');
    await closed;
    await client.deactivate();

    const { analysis, findings } = await decodedConnection(proxied, '/stomp-error');
    const frame = analysis.messages.find((m) => m.decoded.kind === 'ERROR');
    expect(frame?.side).toBe('server');
    expect(frame?.decoded.problem).toEqual({
      kind: 'stomp-error',
      message: 'no permission to send to /forbidden/admin',
    });
    // The ERROR carries the SEND's receipt id, so it answers that request.
    const send = analysis.requests.find((r) => r.label === 'receipt send-9');
    expect(send?.replySeq).toBe(frame?.seq);
    expect(findings.find((f) => f.id === 'stomp.error')?.title).toContain(
      'no permission to send to /forbidden/admin',
    );
  });
});
