import { describe, expect, it } from 'vitest';
import { classifyAppBeat } from '../../../shared/analysis/app-heartbeat.js';

describe('application-level heartbeat conventions', () => {
  it.each([
    ['ping', 'ping', 'text "ping"/"pong"'],
    ['PONG', 'pong', 'text "ping"/"pong"'],
    ['2', 'ping', 'Engine.IO (Socket.IO) "2"/"3"'],
    ['3probe', 'pong', 'Engine.IO (Socket.IO) "2"/"3"'],
    ['{"type":"ping"}', 'ping', 'JSON "type": "ping"/"pong"'],
    ['{"type":"pong","payload":{}}', 'pong', 'JSON "type": "ping"/"pong"'],
    ['{"action":"heartbeat"}', 'ping', 'JSON "action": "heartbeat"/"heartbeat_ack"'],
    ['{"event":"heartbeat_ack"}', 'pong', 'JSON "event": "heartbeat"/"heartbeat_ack"'],
    ['{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"5"}', 'ping', 'Phoenix heartbeat'],
    [
      '{"topic":"phoenix","event":"phx_reply","payload":{"status":"ok"},"ref":"5"}',
      'pong',
      'Phoenix heartbeat',
    ],
    ['[null,"7","phoenix","heartbeat",{}]', 'ping', 'Phoenix heartbeat'],
    ['{"op":1,"d":251}', 'ping', 'gateway op 1 / op 11'],
    ['{"op":11,"d":null}', 'pong', 'gateway op 1 / op 11'],
  ])('%s is a %s (%s)', (text, kind, convention) => {
    expect(classifyAppBeat(text)).toEqual({ kind, convention });
  });

  it.each([
    '',
    'hello',
    '22',
    '{"type":"message","body":"ping me later"}',
    '{"op":1}',
    '[1,2,3]',
    '{"type":',
    '{"n":1,"payload":"xxxx"}',
    '{"topic":"room:1","event":"phx_reply"}',
  ])('%j is not a heartbeat', (text) => {
    expect(classifyAppBeat(text)).toBeUndefined();
  });
});
