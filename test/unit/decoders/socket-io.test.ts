import { describe, expect, it } from 'vitest';
import { decodeWith, engineIoOpen } from '../../../shared/decoders/index.js';
import { binary, text } from './fixtures.js';

const decode = (dir: 'c2s' | 's2c', payload: string) => decodeWith('socket.io', text(dir, payload));

describe('Socket.IO / Engine.IO v4 decoder', () => {
  it('reads the Engine.IO open packet and its heartbeat settings', () => {
    const open = decode(
      's2c',
      '0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}',
    );
    expect(open.kind).toBe('open');
    expect(open.fields.sid).toBe('lv_VI97HAXpY6yYWAAAC');
    expect(engineIoOpen(open)).toEqual({ pingInterval: 25000, pingTimeout: 20000 });
  });

  it('pairs Engine.IO ping and pong as the heartbeat; probes are not the heartbeat', () => {
    expect(decode('s2c', '2')).toMatchObject({ kind: 'ping', links: [{ role: 'ping', key: 'heartbeat' }] });
    expect(decode('c2s', '3')).toMatchObject({ kind: 'pong', links: [{ role: 'pong', key: 'heartbeat' }] });
    expect(decode('c2s', '2probe').links?.[0]?.key).toBe('probe');
    expect(decode('s2c', '1').kind).toBe('close');
    expect(decode('c2s', '5').kind).toBe('upgrade');
    expect(decode('s2c', '6').kind).toBe('noop');
  });

  it('reads CONNECT to the main and a custom namespace, with auth and with the sid', () => {
    expect(decode('c2s', '40')).toMatchObject({ kind: 'CONNECT', fields: { namespace: '/' } });
    const admin = decode('c2s', '40/admin,{"token":"abc"}');
    expect(admin).toMatchObject({ kind: 'CONNECT', topic: '/admin', fields: { data: { token: 'abc' } } });
    expect(admin.links?.[0]).toMatchObject({ role: 'request', key: '/admin#connect' });
    const reply = decode('s2c', '40/admin,{"sid":"wZX3oN0bSVIhsaknAAAI"}');
    expect(reply.links?.[0]).toMatchObject({ role: 'response', key: '/admin#connect' });
    expect(decode('c2s', '41/admin,')).toMatchObject({ kind: 'DISCONNECT', topic: '/admin' });
  });

  it('reads events with and without an ack id, and the ack', () => {
    const event = decode('c2s', '42["chat:message","hello",{"room":1}]');
    expect(event).toMatchObject({ kind: 'EVENT', event: 'chat:message' });
    expect(event.id).toBeUndefined();
    expect(event.fields.data).toEqual(['chat:message', 'hello', { room: 1 }]);
    const withAck = decode('c2s', '4212["ping-me"]');
    expect(withAck).toMatchObject({ event: 'ping-me', id: '12', links: [{ role: 'request', key: '/#12' }] });
    const nsAck = decode('c2s', '42/admin,13["kick",7]');
    expect(nsAck).toMatchObject({ event: 'kick', id: '13', topic: '/admin' });
    expect(decode('s2c', '4312["pong"]')).toMatchObject({
      kind: 'ACK',
      id: '12',
      links: [{ role: 'response', key: '/#12' }],
    });
  });

  it('reads binary events and acks with their attachment count; binary messages are attachments', () => {
    const event = decode('c2s', '451-["upload",{"_placeholder":true,"num":0}]');
    expect(event).toMatchObject({ kind: 'BINARY_EVENT', event: 'upload', fields: { attachments: 1 } });
    expect(decode('s2c', '462-/admin,15[{"_placeholder":true,"num":0}]')).toMatchObject({
      kind: 'BINARY_ACK',
      id: '15',
      topic: '/admin',
      fields: { attachments: 2 },
    });
    expect(decodeWith('socket.io', binary('c2s', [1, 2, 3]))).toMatchObject({
      kind: 'attachment',
      fields: { attachmentBytes: 3 },
    });
  });

  it('reports CONNECT_ERROR with its message', () => {
    const error = decode('s2c', '44{"message":"Not authorized","data":{"code":401}}');
    expect(error.kind).toBe('CONNECT_ERROR');
    expect(error.problem).toEqual({ kind: 'socketio-connect-error', message: 'Not authorized' });
  });

  it.each([
    ['7', 'is not an Engine.IO packet type'],
    ['', 'is not an Engine.IO packet type'],
    ['0not json', 'open packet does not carry a JSON object'],
    ['49', 'is not a Socket.IO packet type'],
    ['42["unterminated', 'payload is not JSON'],
    ['42{"not":"an array"}', 'non-empty JSON array'],
    ['42[]', 'non-empty JSON array'],
    ['43["no id"]', 'ACK without an id'],
    ['45["x"]', 'binary packet without'],
  ])('malformed %j is undecodable (%s), never a throw', (payload, reason) => {
    const decoded = decode('c2s', payload);
    expect(decoded.kind).toBe('undecodable');
    expect(decoded.reason).toContain(reason);
  });

  it('says when a truncated record is why the JSON did not parse', () => {
    const decoded = decodeWith('socket.io', { ...text('s2c', '42["big","aaaa'), truncated: true });
    expect(decoded.reason).toContain('only the start of the payload');
  });
});
