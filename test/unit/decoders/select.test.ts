import { describe, expect, it } from 'vitest';
import { generate } from 'mqtt-packet';
import { chooseDecoder, decodeWith, SNIFF_MESSAGES } from '../../../shared/decoders/index.js';
import { binary, text } from './fixtures.js';

describe('choosing the decoder of a connection', () => {
  it('by the negotiated subprotocol first', () => {
    for (const [sub, protocol] of [
      ['graphql-transport-ws', 'graphql-transport-ws'],
      ['graphql-ws', 'graphql-ws'],
      ['mqtt', 'mqtt'],
      ['v12.stomp', 'stomp'],
      ['v11.stomp', 'stomp'],
      ['stomp', 'stomp'],
    ] as const) {
      expect(chooseDecoder({ subprotocol: sub, messages: [text('c2s', '42["x"]')] })).toMatchObject({
        protocol,
        by: 'subprotocol',
        evidence: `Sec-WebSocket-Protocol: ${sub}`,
      });
    }
  });

  it('WAMP and unknown subprotocols fall through to content, and say so when nothing matches', () => {
    expect(
      chooseDecoder({ subprotocol: 'wamp.2.json', messages: [text('c2s', '[1,"realm1",{}]')] }),
    ).toMatchObject({
      protocol: 'none',
      by: 'none',
    });
    expect(
      chooseDecoder({
        subprotocol: 'chat',
        messages: [text('c2s', '{"jsonrpc":"2.0","method":"a","id":1}')],
      }),
    ).toMatchObject({
      protocol: 'json-rpc',
      by: 'content',
    });
  });

  it('Socket.IO by its URL (EIO=4)', () => {
    expect(chooseDecoder({ url: 'ws://h/socket.io/?EIO=4&transport=websocket', messages: [] })).toMatchObject(
      {
        protocol: 'socket.io',
        by: 'url',
      },
    );
  });

  it('by content: the first recognised message wins and is named', () => {
    const cases = [
      [[text('s2c', '0{"sid":"a","upgrades":[],"pingInterval":25000,"pingTimeout":20000}')], 'socket.io'],
      [[text('c2s', 'hello'), text('c2s', '42["chat:message","hi"]')], 'socket.io'],
      [[text('c2s', '{"protocol":"json","version":1}\u001e')], 'signalr'],
      [[text('c2s', 'CONNECT\naccept-version:1.2\n\n\0')], 'stomp'],
      [
        [
          text('c2s', '{"type":"connection_init"}'),
          text('c2s', '{"id":"1","type":"subscribe","payload":{}}'),
        ],
        'graphql-transport-ws',
      ],
      [
        [text('c2s', '{"type":"connection_init"}'), text('c2s', '{"id":"1","type":"start","payload":{}}')],
        'graphql-ws',
      ],
      [[text('c2s', '{"type":"connection_init"}')], 'graphql-transport-ws'],
      [[text('c2s', '{"jsonrpc":"2.0","method":"eth_subscribe","id":1}')], 'json-rpc'],
    ] as const;
    for (const [messages, protocol] of cases) {
      expect(chooseDecoder({ messages })).toMatchObject({ protocol, by: 'content' });
    }
    expect(chooseDecoder({ messages: [text('c2s', 'x'), text('c2s', '42["a"]')] }).evidence).toBe(
      'message 2 looks like socket.io',
    );
  });

  it('JSON heartbeats and generic types are not taken for GraphQL', () => {
    for (const payload of [
      '{"type":"ping"}',
      '{"type":"pong"}',
      '{"type":"error","message":"x"}',
      '{"type":"data","n":1}',
    ])
      expect(chooseDecoder({ messages: [text('c2s', payload)] }).protocol).toBe('none');
  });

  it('MQTT by its CONNECT, with the protocol level as the decoder context', () => {
    const connect = new Uint8Array(
      generate(
        { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clientId: 'c', clean: true, keepalive: 10 },
        { protocolVersion: 5 },
      ),
    );
    const choice = chooseDecoder({ messages: [binary('c2s', connect)] });
    expect(choice).toMatchObject({ protocol: 'mqtt', by: 'content', context: { mqttLevel: 5 } });
    expect(chooseDecoder({ subprotocol: 'mqtt', messages: [binary('c2s', connect)] }).context).toEqual({
      mqttLevel: 5,
    });
    // With the level known, an MQTT 5 PUBLISH's properties are read.
    const publish = new Uint8Array(
      generate(
        {
          cmd: 'publish',
          topic: 't',
          payload: Buffer.from('p'),
          qos: 0,
          dup: false,
          retain: false,
          properties: { contentType: 'text/plain' },
        },
        { protocolVersion: 5 },
      ),
    );
    expect(decodeWith('mqtt', binary('c2s', publish), choice.context).fields.properties).toEqual({
      contentType: 'text/plain',
    });
  });

  it('the user’s override wins over everything, including turning decoding off', () => {
    expect(chooseDecoder({ subprotocol: 'mqtt', override: 'stomp', messages: [] })).toMatchObject({
      protocol: 'stomp',
      by: 'override',
    });
    expect(chooseDecoder({ messages: [text('c2s', '42["a"]')], override: 'none' })).toMatchObject({
      protocol: 'none',
      by: 'override',
    });
  });

  it(`looks at no more than the first ${SNIFF_MESSAGES} messages`, () => {
    const messages = [
      ...Array.from({ length: SNIFF_MESSAGES }, () => text('c2s', 'plain')),
      text('c2s', '42["late"]'),
    ];
    expect(chooseDecoder({ messages }).protocol).toBe('none');
  });

  it('arbitrary bytes never make a decoder throw', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256));
      for (const protocol of [
        'socket.io',
        'graphql-transport-ws',
        'graphql-ws',
        'stomp',
        'signalr',
        'mqtt',
        'json-rpc',
      ] as const) {
        const decoded = decodeWith(
          protocol,
          { dir: 'c2s', opcode: i % 2 ? 1 : 2, bytes, truncated: false },
          { mqttLevel: 5 },
        );
        expect(decoded.protocol).toBe(protocol);
        // Every failure is a reason the decoder stated, not an exception caught by the safety net.
        if (decoded.kind === 'undecodable') expect(decoded.reason).not.toMatch(/^decoder error/);
      }
    }
  });
});
