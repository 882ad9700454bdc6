import { generate } from 'mqtt-packet';
import type { Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { analyzeSession } from '../../../shared/analysis/index.js';
import type { AnalysisOptions } from '../../../shared/analysis/index.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { conn, header } from './builders.js';

const findings = (events: CaptureEvent[], options?: AnalysisOptions) =>
  analyzeSession({ header, events }, options).findings;
const one = (events: CaptureEvent[], id: string, options?: AnalysisOptions) => {
  const found = findings(events, options).filter((f) => f.id === id);
  expect(found, id).toHaveLength(1);
  return found[0]!;
};
const mqtt = (p: Packet, v: 4 | 5 = 4) => new Uint8Array(generate(p, { protocolVersion: v }));
const OPEN = '0{"sid":"s","upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":1000000}';
const sio = (id: string) => conn(id, 'client', 'ws://h/socket.io/?EIO=4&transport=websocket').handshake(0);

describe('findings from decoded protocols', () => {
  it('socketio.ping-timeout: no server ping within pingInterval + pingTimeout', () => {
    const events = sio('a')
      .message(5, 's2c', OPEN)
      .message(305, 's2c', '2')
      .message(306, 'c2s', '3')
      .message(1100, 's2c', '2') // 795 ms after the last ping: past 300 + 200
      .message(1101, 'c2s', '3')
      .cleanClose(1200, 'client').events;
    const f = one(events, 'socketio.ping-timeout');
    expect(f.title).toBe("No Engine.IO ping for 795 ms: past the client's ping timeout");
    expect(f.detail).toContain('pingInterval 300 ms + pingTimeout 200 ms = 500 ms');
    expect(f.evidence.map((e) => e.ref)).toEqual([0, 1, 3]);
  });

  it('socketio.ping-timeout: the client answers later than pingTimeout', () => {
    const events = sio('b')
      .message(5, 's2c', OPEN)
      .message(305, 's2c', '2')
      .message(560, 'c2s', '3')
      .cleanClose(600, 'client').events;
    expect(one(events, 'socketio.ping-timeout').title).toBe(
      "Engine.IO pong after 255 ms: past the server's ping timeout",
    );
  });

  it('no socketio.ping-timeout when pings and pongs keep to the settings', () => {
    const events = sio('c')
      .message(5, 's2c', OPEN)
      .message(305, 's2c', '2')
      .message(306, 'c2s', '3')
      .message(605, 's2c', '2')
      .message(606, 'c2s', '3')
      .cleanClose(700, 'client').events;
    expect(findings(events).map((f) => f.id)).not.toContain('socketio.ping-timeout');
  });

  it('socketio.connect-error names the server’s message', () => {
    const events = sio('d')
      .message(5, 's2c', OPEN)
      .message(6, 'c2s', '40/admin,')
      .message(8, 's2c', '44/admin,{"message":"Not authorized"}').events;
    const f = one(events, 'socketio.connect-error');
    expect(f.title).toBe('Socket.IO refused the connection to a namespace: “Not authorized”');
    expect(f.evidence[0]?.ref).toBe(2);
  });

  it('graphql.init-unacknowledged: no connection_ack within the timeout (default 3 s), or a late one', () => {
    const silent = conn('g')
      .start(0)
      .tcpConnect(1)
      .request(1)
      .response(2, 101)
      .open(2, 'graphql-transport-ws')
      .message(5, 'c2s', '{"type":"connection_init"}')
      .tcp(4000, 'fin', 'server')
      .end(4001).events;
    expect(one(silent, 'graphql.init-unacknowledged').title).toBe(
      'GraphQL connection_init not acknowledged (4.0 s)',
    );
    const late = conn('g2')
      .start(0)
      .tcpConnect(1)
      .request(1)
      .response(2, 101)
      .open(2, 'graphql-transport-ws')
      .message(5, 'c2s', '{"type":"connection_init"}')
      .message(3505, 's2c', '{"type":"connection_ack"}').events;
    expect(one(late, 'graphql.init-unacknowledged').title).toBe(
      'GraphQL connection_init acknowledged only after 3.5 s',
    );
    expect(findings(late, { graphqlInitTimeoutMs: 5000 }).map((f) => f.id)).not.toContain(
      'graphql.init-unacknowledged',
    );
  });

  it('graphql.error quotes the error messages; a refused connection_init is an error', () => {
    const events = conn('ge')
      .handshake(0)
      .message(5, 'c2s', '{"type":"connection_init"}')
      .message(6, 's2c', '{"type":"connection_ack"}')
      .message(7, 'c2s', '{"id":"1","type":"subscribe","payload":{"query":"subscription { nope }"}}')
      .message(
        8,
        's2c',
        '{"id":"1","type":"error","payload":[{"message":"Cannot query field \\"nope\\" on type \\"Subscription\\"."}]}',
      ).events;
    const f = one(events, 'graphql.error');
    expect(f.severity).toBe('warning');
    expect(f.detail).toContain('“Cannot query field "nope" on type "Subscription".” (frame #3)');
    const refused = conn('gr')
      .handshake(0)
      .message(5, 'c2s', '{"type":"connection_init"}')
      .message(6, 's2c', '{"type":"connection_error","payload":{"message":"bad token"}}').events;
    expect(one(refused, 'graphql.error')).toMatchObject({
      severity: 'error',
      title: 'GraphQL connection refused: “bad token”',
    });
  });

  it('stomp.error', () => {
    const events = conn('s')
      .handshake(0)
      .message(5, 'c2s', 'CONNECT\naccept-version:1.2\n\n\0')
      .message(6, 's2c', 'ERROR\nmessage:Bad CONNECT\n\nlogin failed\0').events;
    expect(one(events, 'stomp.error').title).toBe('STOMP ERROR frame: “Bad CONNECT”');
  });

  it('mqtt.connack-refused and mqtt.disconnect-reason', () => {
    const refused = conn('m')
      .handshake(0)
      .message(
        5,
        'c2s',
        mqtt({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 4,
          clientId: 'c',
          clean: true,
          keepalive: 5,
        }),
      )
      .message(6, 's2c', mqtt({ cmd: 'connack', sessionPresent: false, returnCode: 5 })).events;
    expect(one(refused, 'mqtt.connack-refused').title).toBe(
      'MQTT broker refused the connection: 5 not authorized',
    );
    const kicked = conn('m5')
      .handshake(0)
      .message(
        5,
        'c2s',
        mqtt(
          {
            cmd: 'connect',
            protocolId: 'MQTT',
            protocolVersion: 5,
            clientId: 'c',
            clean: true,
            keepalive: 5,
          },
          5,
        ),
      )
      .message(6, 's2c', mqtt({ cmd: 'connack', sessionPresent: false, reasonCode: 0 }, 5))
      .message(9, 's2c', mqtt({ cmd: 'disconnect', reasonCode: 0x8e }, 5)).events;
    expect(one(kicked, 'mqtt.disconnect-reason').title).toBe(
      'MQTT DISCONNECT with an error reason: server sent 0x8e Session taken over',
    );
    expect(findings(kicked).map((f) => f.id)).not.toContain('mqtt.connack-refused');
  });

  it('signalr.close-error', () => {
    const events = conn('r')
      .handshake(0)
      .message(5, 'c2s', '{"protocol":"json","version":1}\u001e')
      .message(6, 's2c', '{}\u001e')
      .message(
        9,
        's2c',
        '{"type":7,"error":"Connection closed with an error. HubException: boom"}\u001e',
      ).events;
    expect(one(events, 'signalr.close-error').title).toBe(
      'SignalR closed with an error: “Connection closed with an error. HubException: boom”',
    );
  });

  it('protocol.unanswered-request, but not for a GraphQL subscription waiting for its first event', () => {
    const rpc = conn('j')
      .handshake(0)
      .message(5, 'c2s', '{"jsonrpc":"2.0","method":"a","id":1}')
      .tcp(100, 'rst', 'server')
      .end(100).events;
    expect(one(rpc, 'protocol.unanswered-request').title).toBe('1 JSON-RPC 2.0 request without a response');
    const sub = conn('q')
      .handshake(0)
      .message(5, 'c2s', '{"type":"connection_init"}')
      .message(6, 's2c', '{"type":"connection_ack"}')
      .message(7, 'c2s', '{"id":"1","type":"subscribe","payload":{"query":"subscription S { s }"}}')
      .tcp(9000, 'fin', 'client')
      .end(9001).events;
    expect(findings(sub).map((f) => f.id)).not.toContain('protocol.unanswered-request');
  });

  it('protocol.undecodable names the decoder choice; the override changes it', () => {
    const events = conn('u').handshake(0).message(5, 'c2s', '42["a"]').message(6, 's2c', '42["b"]').events;
    expect(findings(events).map((f) => f.id)).not.toContain('protocol.undecodable');
    const f = one(events, 'protocol.undecodable', { decoders: { u: 'stomp' } });
    expect(f.detail).toContain('chosen by override');
    expect(f.title).toBe('2 messages not decodable as stomp');
  });
});
