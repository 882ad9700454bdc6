import { describe, expect, it } from 'vitest';
import { chooseDecoder, decoderInput } from '../../../shared/decoders/index.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { parseDecodedQuery } from '../../../renderer/src/filters/decoded-query.js';
import { decoderChoiceOf } from '../../../renderer/src/store/decoder-choice.js';
import { ConnectionLog } from '../../../renderer/src/store/hot-log.js';
import { compileRowFilter, RowIndex } from '../../../renderer/src/store/rows.js';
import { ConnBuilder } from '../analysis/builders.js';

const events = new ConnBuilder('c1', 'client', 'ws://h/socket.io/?EIO=4&transport=websocket')
  .handshake(0)
  .message(5, 's2c', '0{"sid":"s","upgrades":[],"pingInterval":25000,"pingTimeout":20000}')
  .message(6, 'c2s', '40')
  .message(7, 'c2s', '42["chat:message","hi"]')
  .message(8, 's2c', '42/admin,["chat:message","yo"]')
  .message(9, 'c2s', '425["typing"]')
  .message(10, 's2c', '435[true]').events;
const messages = events.filter((e): e is Extract<CaptureEvent, { type: 'message' }> => e.type === 'message');
const choice = chooseDecoder({
  url: 'ws://h/socket.io/?EIO=4',
  messages: messages.map((m) => decoderInput(m.message)),
});

const matching = (text: string) => {
  const match = compileRowFilter({ mode: 'messages', showControl: false, text, decoder: choice });
  return messages.filter(match).map((m) => m.message.id);
};

describe('filters over decoded fields', () => {
  it('event = "name" matches the decoded event name, case-insensitively', () => {
    expect(matching('event = "chat:message"')).toEqual([2, 3]);
    expect(matching('EVENT == CHAT:MESSAGE')).toEqual([2, 3]);
    expect(matching('event != "chat:message"')).toEqual([0, 1, 4, 5]);
  });

  it('~ matches a regular expression; clauses join with "and"', () => {
    expect(matching('topic ~ ^/adm')).toEqual([3]);
    expect(matching('kind = EVENT and id = 5')).toEqual([4]);
    expect(matching('kind ~ ack && id = "5"')).toEqual([5]);
    expect(matching("type = 'open'")).toEqual([0]);
  });

  it('plain text stays a payload search; a broken query is reported, not thrown', () => {
    expect(parseDecodedQuery('chat:message')).toBeUndefined();
    expect(parseDecodedQuery('eventual = x')).toBeUndefined();
    expect(matching('typing')).toEqual([4]);
    expect(parseDecodedQuery('event = "x" or topic = y')).toEqual({
      ok: false,
      error: 'Join conditions with “and” (at “or topic = y”)',
    });
    expect(parseDecodedQuery('topic ~ (a+)+')).toMatchObject({ ok: false });
    expect(parseDecodedQuery('event =')).toMatchObject({ ok: false });
  });

  it('with decoding off, a decoded query matches nothing', () => {
    const off = chooseDecoder({ messages: [], override: 'none' });
    const match = compileRowFilter({
      mode: 'messages',
      showControl: false,
      text: 'event = "chat:message"',
      decoder: off,
    });
    expect(messages.filter(match)).toEqual([]);
  });

  it('the row index keeps rows per decoder choice and the choice is memoised per log', () => {
    const log = new ConnectionLog();
    for (const e of events) log.append(e);
    const view = { url: 'ws://h/socket.io/?EIO=4&transport=websocket', messages: { c2s: 3, s2c: 3 } };
    const auto = decoderChoiceOf(log, view, undefined);
    expect(auto).toMatchObject({ protocol: 'socket.io', by: 'url' });
    expect(decoderChoiceOf(log, view, undefined)).toBe(auto);
    const index = new RowIndex();
    const rows = index.rows('k', log, {
      mode: 'messages',
      showControl: false,
      text: 'event = "typing"',
      decoder: auto,
    });
    expect(Array.from(rows, (i) => log.at(i)?.type)).toEqual(['message']);
    const stomp = decoderChoiceOf(log, view, 'stomp');
    expect(
      Array.from(
        index.rows('k', log, {
          mode: 'messages',
          showControl: false,
          text: 'event = "typing"',
          decoder: stomp,
        }),
      ),
    ).toEqual([]);
  });
});
