import { generate } from 'mqtt-packet';
import type { Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { decodeWith, MqttStream } from '../../../shared/decoders/index.js';
import type { DecodeContext } from '../../../shared/decoders/index.js';
import { binary } from './fixtures.js';

// mqtt-packet (the encoder MQTT.js uses) builds the fixtures: an encoder independent of the decoder under test.
const packet = (p: Packet, version: 4 | 5): Uint8Array =>
  new Uint8Array(generate(p, { protocolVersion: version }));
const decode = (dir: 'c2s' | 's2c', bytes: Uint8Array | number[], context: DecodeContext = {}) =>
  decodeWith('mqtt', binary(dir, bytes), context);

describe.each([4, 5] as const)('MQTT decoder, protocol level %i', (level) => {
  const v5 = level === 5;
  const ctx: DecodeContext = { mqttLevel: level };

  it('reads CONNECT: version, client id, keep-alive, will, user name; the password is not shown', () => {
    const bytes = packet(
      {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: level,
        clean: true,
        keepalive: 30,
        clientId: 'sensor-7',
        username: 'alice',
        password: Buffer.from('s3cret'),
        will: { topic: 'status/sensor-7', payload: Buffer.from('offline'), qos: 1, retain: true },
        ...(v5 ? { properties: { sessionExpiryInterval: 60, receiveMaximum: 10 } } : {}),
      },
      level,
    );
    const decoded = decode('c2s', bytes);
    expect(decoded).toMatchObject({
      kind: 'CONNECT',
      fields: {
        version: v5 ? '5' : '3.1.1',
        keepAlive: 30,
        clientId: 'sensor-7',
        username: 'alice',
        password: '(present, not shown)',
        willTopic: 'status/sensor-7',
        willPayload: 'offline',
        willQos: 1,
        willRetain: true,
      },
      links: [{ role: 'request', key: 'connect' }],
    });
    if (v5) expect(decoded.fields.properties).toEqual({ sessionExpiryInterval: 60, receiveMaximum: 10 });
    expect(JSON.stringify(decoded)).not.toContain('s3cret');
  });

  it('reads an accepting CONNACK and a refusing one as a problem', () => {
    const ok = decode(
      's2c',
      packet(
        { cmd: 'connack', sessionPresent: true, ...(v5 ? { reasonCode: 0 } : { returnCode: 0 }) },
        level,
      ),
      ctx,
    );
    expect(ok).toMatchObject({ kind: 'CONNACK', fields: { sessionPresent: true, reasonCode: 0 } });
    expect(ok.problem).toBeUndefined();
    const refused = decode(
      's2c',
      packet(
        v5
          ? {
              cmd: 'connack',
              sessionPresent: false,
              reasonCode: 0x86,
              properties: { reasonString: 'wrong password' },
            }
          : { cmd: 'connack', sessionPresent: false, returnCode: 4 },
        level,
      ),
      ctx,
    );
    expect(refused.problem).toEqual({
      kind: 'mqtt-connack-refused',
      message: v5 ? '0x86 Bad User Name or Password (wrong password)' : '4 bad user name or password',
    });
  });

  it('reads PUBLISH at QoS 0, 1 and 2 with topic, flags, payload and (v5) properties', () => {
    const qos0 = decode(
      'c2s',
      packet(
        {
          cmd: 'publish',
          topic: 'sensors/t1',
          payload: Buffer.from('21.5'),
          qos: 0,
          dup: false,
          retain: true,
        },
        level,
      ),
      ctx,
    );
    expect(qos0).toMatchObject({
      kind: 'PUBLISH',
      topic: 'sensors/t1',
      fields: { qos: 0, retain: true, payload: '21.5' },
    });
    expect(qos0.links).toBeUndefined();
    const qos1 = decode(
      's2c',
      packet(
        {
          cmd: 'publish',
          topic: 'sensors/t2',
          payload: Buffer.from([0xff, 0x00]),
          qos: 1,
          messageId: 42,
          dup: true,
          retain: false,
          ...(v5
            ? { properties: { contentType: 'application/octet-stream', userProperties: { a: 'b' } } }
            : {}),
        },
        level,
      ),
      ctx,
    );
    expect(qos1).toMatchObject({
      id: '42',
      fields: { qos: 1, dup: true, payload: 'hex ff00' },
      links: [{ role: 'request', key: 'pub:42' }],
    });
    if (v5)
      expect(qos1.fields.properties).toEqual({
        contentType: 'application/octet-stream',
        userProperty: [['a', 'b']],
      });
    expect(
      decode(
        'c2s',
        packet(
          {
            cmd: 'publish',
            topic: 'x',
            payload: Buffer.alloc(0),
            qos: 2,
            messageId: 7,
            dup: false,
            retain: false,
          },
          level,
        ),
        ctx,
      ).fields.qos,
    ).toBe(2);
  });

  it('pairs PUBLISH with PUBACK/PUBREC and PUBREL with PUBCOMP', () => {
    for (const [cmd, role, key] of [
      ['puback', 'response', 'pub:42'],
      ['pubrec', 'response', 'pub:42'],
      ['pubrel', 'request', 'rel:42'],
      ['pubcomp', 'response', 'rel:42'],
    ] as const) {
      const decoded = decode('c2s', packet({ cmd, messageId: 42 }, level), ctx);
      expect(decoded).toMatchObject({ kind: cmd.toUpperCase(), id: '42', links: [{ role, key }] });
    }
  });

  it('reads SUBSCRIBE / SUBACK and UNSUBSCRIBE / UNSUBACK with filters and granted QoS', () => {
    const subscribe = decode(
      'c2s',
      packet(
        {
          cmd: 'subscribe',
          messageId: 3,
          subscriptions: [
            { topic: 'sensors/#', qos: 1 },
            { topic: 'alerts', qos: 0 },
          ],
        },
        level,
      ),
      ctx,
    );
    expect(subscribe).toMatchObject({
      kind: 'SUBSCRIBE',
      id: '3',
      topic: 'sensors/#',
      fields: {
        filters: [
          { filter: 'sensors/#', qos: 1 },
          { filter: 'alerts', qos: 0 },
        ],
      },
      links: [{ role: 'request', key: 'sub:3' }],
    });
    const suback = decode('s2c', packet({ cmd: 'suback', messageId: 3, granted: [1, 128] }, level), ctx);
    expect(suback).toMatchObject({ kind: 'SUBACK', links: [{ role: 'response', key: 'sub:3' }] });
    expect(suback.fields.reasons).toEqual([
      '0x01 Granted QoS 1',
      v5 ? '0x80 Unspecified error' : '0x80 Failure',
    ]);
    const unsub = decode(
      'c2s',
      packet({ cmd: 'unsubscribe', messageId: 4, unsubscriptions: ['alerts'] }, level),
      ctx,
    );
    expect(unsub).toMatchObject({ kind: 'UNSUBSCRIBE', topic: 'alerts', links: [{ key: 'unsub:4' }] });
    const unsuback = decode(
      's2c',
      packet({ cmd: 'unsuback', messageId: 4, ...(v5 ? { granted: [0] } : {}) } as Packet, level),
      ctx,
    );
    expect(unsuback).toMatchObject({ kind: 'UNSUBACK', links: [{ role: 'response', key: 'unsub:4' }] });
  });

  it('pairs PINGREQ with PINGRESP', () => {
    expect(decode('c2s', packet({ cmd: 'pingreq' }, level), ctx)).toMatchObject({
      kind: 'PINGREQ',
      links: [{ role: 'ping', key: 'ping' }],
    });
    expect(decode('s2c', packet({ cmd: 'pingresp' }, level), ctx)).toMatchObject({
      kind: 'PINGRESP',
      links: [{ role: 'pong', key: 'ping' }],
    });
  });

  it('reads DISCONNECT; an MQTT 5 error reason code is a problem', () => {
    expect(decode('c2s', packet({ cmd: 'disconnect' }, level), ctx).problem).toBeUndefined();
    if (!v5) return;
    const kicked = decode(
      's2c',
      packet(
        { cmd: 'disconnect', reasonCode: 0x8e, properties: { reasonString: 'another client connected' } },
        5,
      ),
      ctx,
    );
    expect(kicked).toMatchObject({ kind: 'DISCONNECT', fields: { reason: '0x8e Session taken over' } });
    expect(kicked.problem).toEqual({
      kind: 'mqtt-disconnect',
      message: 'server sent 0x8e Session taken over (another client connected)',
    });
  });
});

describe('MQTT decoder: versions, several packets, malformed input', () => {
  it('tells a 3.1.1 CONNACK from an MQTT 5 one by its length when no CONNECT was seen', () => {
    expect(decode('s2c', [0x20, 0x02, 0x00, 0x05]).fields.reason).toBe('5 not authorized');
    expect(decode('s2c', [0x20, 0x03, 0x00, 0x87, 0x00]).fields.reason).toBe('0x87 Not authorized');
  });

  it('reads AUTH (MQTT 5)', () => {
    const auth = decode(
      'c2s',
      packet({ cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: 'SCRAM-SHA-1' } }, 5),
      { mqttLevel: 5 },
    );
    expect(auth).toMatchObject({
      kind: 'AUTH',
      fields: { reason: '0x18 Continue authentication', properties: { authenticationMethod: 'SCRAM-SHA-1' } },
    });
  });

  it('reads every packet of a message that holds several', () => {
    const two = new Uint8Array([
      ...packet({ cmd: 'pingreq' }, 4),
      ...packet({ cmd: 'puback', messageId: 9 }, 4),
    ]);
    const decoded = decode('c2s', two);
    expect(decoded.kind).toBe('PINGREQ');
    expect((decoded.fields.packets as unknown[]).length).toBe(2);
    expect(decoded.links?.map((l) => l.key)).toEqual(['ping', 'pub:9']);
  });

  it('reassembles packets split across messages and several packets in one message', () => {
    const connect = packet(
      { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clientId: 'c', clean: true, keepalive: 9 },
      5,
    );
    const publish = packet(
      {
        cmd: 'publish',
        topic: 'a/b',
        payload: Buffer.from('x'),
        qos: 0,
        dup: false,
        retain: false,
        properties: { contentType: 't' },
      },
      5,
    );
    const stream = new MqttStream({});
    const part = (bytes: Uint8Array) => stream.push(binary('c2s', bytes));
    expect(part(connect.subarray(0, 1))).toMatchObject({ kind: 'partial', fields: { buffered: 1 } });
    expect(part(connect.subarray(1, 5)).kind).toBe('partial');
    // The rest of CONNECT and the first bytes of PUBLISH: the row is the CONNECT; MQTT 5 is known from then on.
    const rest = new Uint8Array([...connect.subarray(5), ...publish.subarray(0, 3)]);
    expect(part(rest)).toMatchObject({
      kind: 'CONNECT',
      fields: { protocolLevel: 5, continuesInNextMessage: 3 },
    });
    expect(part(publish.subarray(3))).toMatchObject({
      kind: 'PUBLISH',
      topic: 'a/b',
      fields: { properties: { contentType: 't' } },
    });
    // The other direction has its own stream.
    expect(stream.push(binary('s2c', packet({ cmd: 'pingresp' }, 5))).kind).toBe('PINGRESP');
    expect(new MqttStream({}).push(binary('c2s', [0x30, 0xff, 0xff, 0xff, 0xff, 0x01])).reason).toContain(
      'longer than 4 bytes',
    );
  });

  it.each([
    ['an empty message', [], 'empty message'],
    ['reserved type 0', [0x00, 0x00], 'reserved'],
    ['remaining length past the end', [0x30, 0x10, 0x00], 'runs past the message'],
    ['a 5-byte remaining length', [0x30, 0xff, 0xff, 0xff, 0xff, 0x01], 'longer than 4 bytes'],
    ['a topic length past the packet', [0x30, 0x03, 0x00, 0x09, 0x61], 'packet ends inside the topic name'],
    ['QoS 3', [0x36, 0x03, 0x00, 0x01, 0x61], 'QoS 3'],
    ['not MQTT in CONNECT', [0x10, 0x06, 0x00, 0x04, 0x41, 0x4d, 0x51, 0x50], 'is not MQTT'],
    ['SUBSCRIBE without filters', [0x82, 0x02, 0x00, 0x01], 'without a topic filter'],
    ['trailing bytes after PINGREQ', [0xc0, 0x01, 0x00], 'left over'],
  ])('%s is undecodable with the reason', (_name, bytes, reason) => {
    const decoded = decode('c2s', bytes);
    expect(decoded.kind).toBe('undecodable');
    expect(decoded.reason).toContain(reason);
  });

  it('an unknown MQTT 5 property is undecodable', () => {
    // CONNACK, v5: flags 0, reason 0, properties length 2: id 0x7f (unknown), value 0.
    const decoded = decode('s2c', [0x20, 0x05, 0x00, 0x00, 0x02, 0x7f, 0x00], { mqttLevel: 5 });
    expect(decoded.reason).toContain('unknown property identifier 0x7f');
  });
});
