import { describe, expect, it } from 'vitest';
import { decodeWith } from '../../../shared/decoders/index.js';
import { text } from './fixtures.js';

describe('graphql-transport-ws decoder', () => {
  const decode = (dir: 'c2s' | 's2c', message: unknown) =>
    decodeWith(
      'graphql-transport-ws',
      text(dir, typeof message === 'string' ? message : JSON.stringify(message)),
    );

  it('pairs connection_init with connection_ack and ping with pong', () => {
    expect(decode('c2s', { type: 'connection_init', payload: { token: 'x' } })).toMatchObject({
      kind: 'connection_init',
      links: [{ role: 'request', key: 'init' }],
    });
    expect(decode('s2c', { type: 'connection_ack' }).links?.[0]).toMatchObject({
      role: 'response',
      key: 'init',
    });
    expect(decode('c2s', { type: 'ping' }).links?.[0]).toMatchObject({ role: 'ping', key: 'heartbeat' });
    expect(decode('s2c', { type: 'pong' }).links?.[0]).toMatchObject({ role: 'pong', key: 'heartbeat' });
  });

  it('names a subscription by operationName, else by the name in the query, else its type', () => {
    const named = decode('c2s', {
      id: '1',
      type: 'subscribe',
      payload: { query: 'subscription OnMsg { messages { text } }', operationName: 'Chat' },
    });
    expect(named).toMatchObject({
      kind: 'subscribe',
      id: '1',
      event: 'Chat',
      links: [{ role: 'request', key: 'op:1' }],
    });
    expect(
      decode('c2s', { id: '2', type: 'subscribe', payload: { query: 'subscription OnMsg { m }' } }).event,
    ).toBe('OnMsg');
    expect(
      decode('c2s', { id: '3', type: 'subscribe', payload: { query: 'subscription { m }' } }).event,
    ).toBe('subscription');
    expect(decode('c2s', { id: '4', type: 'subscribe', payload: { query: '{ hello }' } }).event).toBe(
      'query',
    );
  });

  it('reads next, error and complete with their ids; errors are problems', () => {
    expect(decode('s2c', { id: '1', type: 'next', payload: { data: { m: 1 } } })).toMatchObject({
      kind: 'next',
      id: '1',
      links: [{ role: 'response', key: 'op:1' }],
    });
    const error = decode('s2c', { id: '1', type: 'error', payload: [{ message: 'Cannot query field "x"' }] });
    expect(error.problem).toEqual({ kind: 'graphql-error', message: 'Cannot query field "x"' });
    const nextWithErrors = decode('s2c', {
      id: '1',
      type: 'next',
      payload: { errors: [{ message: 'boom' }] },
    });
    expect(nextWithErrors.problem?.message).toBe('boom');
    expect(decode('c2s', { id: '1', type: 'complete' })).toMatchObject({ kind: 'complete', id: '1' });
    expect(decode('c2s', { id: '1', type: 'complete' }).links).toBeUndefined();
  });

  it.each([
    ['{"type":', 'not JSON'],
    ['[1,2]', 'JSON object with a string "type"'],
    ['{"type":1}', 'JSON object with a string "type"'],
    ['{"type":"start","id":"1"}', 'not a graphql-transport-ws message type'],
  ])('malformed %j is undecodable (%s)', (payload, reason) => {
    const decoded = decode('c2s', payload);
    expect(decoded.kind).toBe('undecodable');
    expect(decoded.reason).toContain(reason);
  });
});

describe('legacy graphql-ws (subscriptions-transport-ws) decoder', () => {
  const decode = (dir: 'c2s' | 's2c', message: unknown) =>
    decodeWith('graphql-ws', text(dir, JSON.stringify(message)));

  it('reads init/ack, start/data/complete/stop, keep-alives and connection errors', () => {
    expect(decode('c2s', { type: 'connection_init', payload: {} }).kind).toBe('connection_init');
    expect(decode('s2c', { type: 'connection_ack' }).links?.[0]?.key).toBe('init');
    expect(decode('s2c', { type: 'ka' })).toMatchObject({ kind: 'ka', links: [{ role: 'ping', key: 'ka' }] });
    expect(
      decode('c2s', { id: '1', type: 'start', payload: { query: 'subscription Ticks { t }' } }),
    ).toMatchObject({ kind: 'start', id: '1', event: 'Ticks', links: [{ role: 'request', key: 'op:1' }] });
    expect(decode('s2c', { id: '1', type: 'data', payload: { data: { t: 1 } } }).links?.[0]).toMatchObject({
      role: 'response',
      key: 'op:1',
    });
    expect(decode('c2s', { id: '1', type: 'stop' }).kind).toBe('stop');
    expect(decode('c2s', { type: 'connection_terminate' }).kind).toBe('connection_terminate');
    const refused = decode('s2c', { type: 'connection_error', payload: { message: 'bad token' } });
    expect(refused.problem).toEqual({ kind: 'graphql-connection-error', message: 'bad token' });
  });

  it('refuses the newer protocol’s types', () => {
    expect(decode('c2s', { id: '1', type: 'subscribe' }).kind).toBe('undecodable');
  });
});
