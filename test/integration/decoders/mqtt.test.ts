import { createServer } from 'node:http';
import { Aedes } from 'aedes';
import type { AuthenticateError } from 'aedes';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { decodedConnection, kinds, listen, proxyTo } from './capture.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** aedes (in-process MQTT broker) over WebSocket: each connection's stream handed to the broker. */
async function startBroker(): Promise<number> {
  const broker = await Aedes.createBroker();
  broker.authenticate = (_client, username, password, done) => {
    if (username === 'alice' && password?.toString() === 'secret') return done(null, true);
    const error = new Error('bad credentials') as AuthenticateError;
    error.returnCode = 4;
    done(error, false);
  };
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (socket) => broker.handle(createWebSocketStream(socket)));
  const port = await listen(http);
  cleanups.push(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
  return port;
}

describe('MQTT traffic from mqtt (MQTT.js) and aedes, captured by the proxy', () => {
  it('decodes CONNECT/CONNACK, SUBSCRIBE/SUBACK, PUBLISH/PUBACK and PINGREQ/PINGRESP, paired', async () => {
    const proxied = await proxyTo(await startBroker());
    cleanups.push(() => proxied.dispose());
    const client = await mqtt.connectAsync(`ws://${proxied.address}/mqtt-ok`, {
      protocolVersion: 4,
      clientId: 'sensor-7',
      username: 'alice',
      password: 'secret',
      keepalive: 1,
      reconnectPeriod: 0,
    });
    await client.subscribeAsync('sensors/#', { qos: 1 });
    const received = new Promise<string>((resolve) =>
      client.on('message', (_topic, payload) => resolve(payload.toString())),
    );
    await client.publishAsync('sensors/t1', '21.5', { qos: 1 });
    expect(await received).toBe('21.5');
    // Keep-alive 1 s: MQTT.js pings when the connection has been quiet that long.
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await client.endAsync();

    const { analysis, findings } = await decodedConnection(proxied, '/mqtt-ok');
    expect(analysis.choice).toMatchObject({ protocol: 'mqtt', by: 'subprotocol', context: { mqttLevel: 4 } });
    expect(analysis.undecodable).toBe(0);
    // MQTT.js in Node writes each part of a packet as its own WebSocket message: reassembled, not undecodable.
    expect(kinds(analysis, 'client')).toContain('partial');
    expect(kinds(analysis, 'client')).toEqual(
      expect.arrayContaining(['CONNECT', 'SUBSCRIBE', 'PUBLISH', 'PUBACK', 'PINGREQ', 'DISCONNECT']),
    );
    expect(kinds(analysis, 'server')).toEqual(
      expect.arrayContaining(['CONNACK', 'SUBACK', 'PUBACK', 'PUBLISH', 'PINGRESP']),
    );
    const connect = analysis.messages.find((m) => m.decoded.kind === 'CONNECT')?.decoded;
    expect(connect?.fields).toMatchObject({
      clientId: 'sensor-7',
      username: 'alice',
      keepAlive: 1,
      password: '(present, not shown)',
    });
    const published = analysis.messages
      .filter((m) => m.decoded.kind === 'PUBLISH')
      .map((m) => m.decoded.topic);
    expect(published).toEqual(['sensors/t1', 'sensors/t1']);
    for (const label of ['CONNECT', 'SUBSCRIBE']) {
      const request = analysis.requests.find((r) => r.label.startsWith(label));
      expect(request?.latencyMs, label).toBeGreaterThanOrEqual(0);
    }
    expect(
      analysis.requests.filter((r) => r.label.startsWith('PUBLISH')).every((r) => r.replySeq !== undefined),
    ).toBe(true);
    expect(analysis.heartbeats.length).toBeGreaterThanOrEqual(1);
    expect(analysis.heartbeats[0]).toMatchObject({ label: 'MQTT PINGREQ/PINGRESP', side: 'client' });
    expect(analysis.heartbeats[0]?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(analysis.unansweredRequests).toEqual([]);
    expect(findings.map((f) => f.id)).not.toContain('mqtt.connack-refused');
  });

  it('reports the broker refusing bad credentials (CONNACK return code 4)', async () => {
    const proxied = await proxyTo(await startBroker());
    cleanups.push(() => proxied.dispose());
    const client = mqtt.connect(`ws://${proxied.address}/mqtt-refused`, {
      protocolVersion: 4,
      username: 'alice',
      password: 'wrong',
      reconnectPeriod: 0,
    });
    const error = await new Promise<Error>((resolve) => client.on('error', resolve));
    expect(error.message).toContain('Bad username or password');
    await client.endAsync(true);

    const { analysis, findings } = await decodedConnection(proxied, '/mqtt-refused');
    expect(analysis.messages.find((m) => m.decoded.kind === 'CONNACK')?.decoded.fields.reason).toBe(
      '4 bad user name or password',
    );
    expect(findings.find((f) => f.id === 'mqtt.connack-refused')?.title).toBe(
      'MQTT broker refused the connection: 4 bad user name or password',
    );
  });
});
