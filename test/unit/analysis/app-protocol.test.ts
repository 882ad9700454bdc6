import { generate } from 'mqtt-packet';
import type { Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { analyzeProtocol } from '../../../shared/analysis/app-protocol.js';
import { collectFacts } from '../../../shared/analysis/connection-facts.js';
import { analyzeHeartbeat } from '../../../shared/analysis/heartbeat.js';
import { conn } from './builders.js';

const mqtt = (p: Packet): Uint8Array => new Uint8Array(generate(p, { protocolVersion: 4 }));
const facts = (b: ReturnType<typeof conn>) => collectFacts(b.conn, b.events);

describe('pairing decoded heartbeats and requests', () => {
  it('Socket.IO: Engine.IO ping/pong is the heartbeat, acks are request/response with latency', () => {
    const b = conn('sio', 'client', 'ws://h/socket.io/?EIO=4&transport=websocket')
      .handshake(0)
      .message(
        5,
        's2c',
        '0{"sid":"x","upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":1000000}',
      )
      .message(6, 'c2s', '40')
      .message(8, 's2c', '40{"sid":"y"}')
      .message(10, 'c2s', '421["hello","world"]')
      .message(10.5, 'c2s', '422["never-acked"]')
      .message(14, 's2c', '431["ok"]')
      .message(305, 's2c', '2')
      .message(307.5, 'c2s', '3')
      .message(605, 's2c', '2')
      .tcp(700, 'rst', 'server')
      .end(700);
    const analysis = analyzeProtocol(facts(b));
    expect(analysis?.choice).toMatchObject({ protocol: 'socket.io', by: 'url' });
    expect(analysis?.engineIo).toMatchObject({ pingInterval: 300, pingTimeout: 200 });
    expect(analysis?.heartbeats.map((h) => [h.side, h.latencyMs])).toEqual([
      ['server', 2.5],
      ['server', undefined],
    ]);
    expect(analysis?.requests.map((r) => [r.label, r.latencyMs])).toEqual([
      ['connect /', 2],
      ['ack 1', 4],
      ['ack 2', undefined],
    ]);
    expect(analysis?.unansweredRequests.map((r) => r.label)).toEqual(['ack 2']);

    // The heartbeat analysis uses the decoded heartbeats: the second ping went unanswered before the drop.
    const heartbeat = analyzeHeartbeat(b.events);
    expect(heartbeat.app?.convention).toBe('Engine.IO ping/pong');
    expect(heartbeat.app?.rtt?.medianMs).toBe(2.5);
    expect(heartbeat.app?.unanswered.map((p) => p.t)).toEqual([605]);
    expect(heartbeat.protocol?.requests).toHaveLength(3);
  });

  it('MQTT by subprotocol: PINGREQ/PINGRESP paired as the heartbeat; SUBSCRIBE/SUBACK, PUBLISH/PUBACK as requests', () => {
    const b = conn('m')
      .start(0)
      .tcpConnect(1)
      .request(1)
      .response(2, 101)
      .open(2, 'mqtt')
      .message(
        3,
        'c2s',
        mqtt({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 4,
          clientId: 'c',
          clean: true,
          keepalive: 1,
        }),
      )
      .message(4, 's2c', mqtt({ cmd: 'connack', sessionPresent: false, returnCode: 0 }))
      .message(5, 'c2s', mqtt({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#', qos: 1 }] }))
      .message(7, 's2c', mqtt({ cmd: 'suback', messageId: 1, granted: [1] }))
      .message(
        8,
        'c2s',
        mqtt({
          cmd: 'publish',
          topic: 'a/b',
          payload: Buffer.from('x'),
          qos: 1,
          messageId: 2,
          dup: false,
          retain: false,
        }),
      )
      .message(
        9,
        's2c',
        mqtt({
          cmd: 'publish',
          topic: 'a/b',
          payload: Buffer.from('x'),
          qos: 1,
          messageId: 2,
          dup: false,
          retain: false,
        }),
      )
      .message(9.5, 'c2s', mqtt({ cmd: 'puback', messageId: 2 }))
      .message(11, 's2c', mqtt({ cmd: 'puback', messageId: 2 }))
      .message(1000, 'c2s', mqtt({ cmd: 'pingreq' }))
      .message(1001.25, 's2c', mqtt({ cmd: 'pingresp' }));
    const analysis = analyzeProtocol(facts(b));
    expect(analysis?.choice).toMatchObject({ protocol: 'mqtt', by: 'subprotocol' });
    expect(analysis?.requests.map((r) => [r.label, r.side, r.latencyMs])).toEqual([
      ['CONNECT', 'client', 1],
      ['SUBSCRIBE 1', 'client', 2],
      ['PUBLISH 2', 'client', 3],
      ['PUBLISH 2', 'server', 0.5],
    ]);
    expect(analysis?.heartbeats[0]).toMatchObject({ label: 'MQTT PINGREQ/PINGRESP', latencyMs: 1.25 });
    expect(analyzeHeartbeat(b.events).app?.convention).toBe('MQTT PINGREQ/PINGRESP');
  });

  it('JSON-RPC by content: responses pair by id in any order; an open request inside the grace period is pending', () => {
    const b = conn('rpc')
      .handshake(0)
      .message(10, 'c2s', '{"jsonrpc":"2.0","method":"a","id":1}')
      .message(11, 'c2s', '{"jsonrpc":"2.0","method":"b","id":2}')
      .message(12, 's2c', '{"jsonrpc":"2.0","result":2,"id":2}')
      .message(20, 's2c', '{"jsonrpc":"2.0","error":{"code":-1,"message":"no"},"id":1}')
      .message(9000, 'c2s', '{"jsonrpc":"2.0","method":"c","id":3}');
    const analysis = analyzeProtocol(facts(b), { now: 10_000 });
    expect(analysis?.choice.by).toBe('content');
    expect(analysis?.requests.map((r) => r.latencyMs)).toEqual([10, 1, undefined]);
    expect(analysis?.unansweredRequests).toEqual([]);
    expect(analysis?.problems.map((p) => p.problem.message)).toEqual(['-1 no']);
    expect(analyzeProtocol(facts(b), { now: 20_000 })?.unansweredRequests.map((r) => r.label)).toEqual([
      'JSON-RPC id 3',
    ]);
  });

  it('the override changes the decoder; "none" turns decoding off', () => {
    const b = conn('o').handshake(0).message(5, 'c2s', '42["x"]');
    expect(analyzeProtocol(facts(b))?.choice.protocol).toBe('socket.io');
    expect(analyzeProtocol(facts(b), { override: 'none' })).toBeUndefined();
    const stomp = analyzeProtocol(facts(b), { override: 'stomp' });
    expect(stomp?.choice.by).toBe('override');
    expect(stomp?.undecodable).toBe(1);
  });
});
