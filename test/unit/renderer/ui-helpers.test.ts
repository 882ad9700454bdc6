import { describe, expect, it } from 'vitest';
import { compileSearch, SEARCH_CAP_CHARS } from '../../../renderer/src/filters/search-pattern.js';
import { positionOfRow } from '../../../renderer/src/filters/row-position.js';
import { parseGoTo, positionOf } from '../../../renderer/src/filters/go-to.js';
import { ConnectionLog } from '../../../renderer/src/store/hot-log.js';
import { RowIndex } from '../../../renderer/src/store/rows.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { randomEvents } from './random-session.js';
import {
  containerPaths,
  containerSummary,
  jsonChildren,
  jsonNode,
  MAX_CHILDREN_SHOWN,
  scalarText,
} from '../../../renderer/src/components/json-tree/json-tree-model.js';
import { utf8Length, validateCloseCode, validateCloseReason } from '../../../renderer/src/ui/close-code.js';
import { checkJson, jsonErrorOffset } from '../../../renderer/src/ui/json-check.js';
import {
  deleteSavedMessage,
  endpointKey,
  loadSavedMessages,
  saveMessage,
} from '../../../renderer/src/ui/saved-messages.js';
import type { KeyValueStorage } from '../../../renderer/src/ui/saved-messages.js';
import { compressionSummary, deflateParameters } from '../../../renderer/src/ui/deflate-info.js';
import { encodeOutgoing } from '../../../renderer/src/components/Composer.js';
import { parseByteBound } from '../../../renderer/src/components/filters/RowFilterBar.js';

describe('compileSearch', () => {
  it('matches text case-insensitively', () => {
    const search = compileSearch('HeLLo', 'text');
    expect(search.ok && search.test('say hello')).toBe(true);
  });

  it('compiles a regex case-insensitively', () => {
    const search = compileSearch('^\\{"type":"(tick|tock)"', 'regex');
    expect(search.ok && search.test('{"TYPE":"tock"}')).toBe(true);
    expect(search.ok && search.test('x{"type":"tick"')).toBe(false);
  });

  it('reports an invalid regex instead of throwing', () => {
    const search = compileSearch('(unclosed', 'regex');
    expect(search.ok).toBe(false);
    if (!search.ok) expect(search.error).toMatch(/unterminated|invalid/i);
  });

  it('refuses nested quantifiers and overlong patterns', () => {
    expect(compileSearch('(a+)+$', 'regex').ok).toBe(false);
    expect(compileSearch('(x*y*)*', 'regex').ok).toBe(false);
    expect(compileSearch('a'.repeat(600), 'regex').ok).toBe(false);
    expect(compileSearch('(ab)+c?', 'regex').ok).toBe(true);
  });

  it('has a per-row cap', () => {
    expect(SEARCH_CAP_CHARS).toBeGreaterThanOrEqual(1024);
  });
});

describe('positionOfRow', () => {
  it('finds rows by binary search', () => {
    const rows = [2, 5, 9, 14, 20];
    expect(positionOfRow(rows, 9)).toBe(2);
    expect(positionOfRow(rows, 20)).toBe(4);
    expect(positionOfRow(rows, 2)).toBe(0);
    expect(positionOfRow(rows, 3)).toBe(-1);
    expect(positionOfRow([], 3)).toBe(-1);
  });
});

describe('JSON tree model', () => {
  const value = { a: 1, list: [true, null, 'x'], nested: { deep: { deeper: {} } }, 'we/ird~': 2 };

  it('lists children with JSON pointer paths', () => {
    const root = jsonNode(value);
    expect(root).toMatchObject({ kind: 'object', size: 4, path: '' });
    const children = jsonChildren(root);
    expect(children.map((c) => c.path)).toEqual(['/a', '/list', '/nested', '/we~1ird~0']);
    expect(jsonChildren(children[1]!).map((c) => [c.kind, scalarText(c)])).toEqual([
      ['boolean', 'true'],
      ['null', 'null'],
      ['string', '"x"'],
    ]);
  });

  it('collects container paths for expand all, by depth and within a limit', () => {
    const root = jsonNode(value);
    expect([...containerPaths(root)]).toEqual([
      '',
      '/list',
      '/nested',
      '/nested/deep',
      '/nested/deep/deeper',
    ]);
    expect([...containerPaths(root, 1)]).toEqual(['', '/list', '/nested']);
    expect(containerPaths(root, Infinity, 2).size).toBe(2);
  });

  it('caps children and summarises containers', () => {
    const big = jsonNode(Array.from({ length: 2000 }, (_, i) => i));
    expect(jsonChildren(big)).toHaveLength(MAX_CHILDREN_SHOWN);
    expect(containerSummary(big)).toBe('[2000 items]');
    expect(containerSummary(jsonNode({ k: 1 }))).toBe('{1 key}');
    expect(scalarText(jsonNode('y'.repeat(5000))).length).toBeLessThan(2100);
  });
});

describe('close code and reason validation', () => {
  it('accepts sendable codes and an empty code', () => {
    expect(validateCloseCode('1000')).toEqual({ code: 1000 });
    expect(validateCloseCode('4999')).toEqual({ code: 4999 });
    expect(validateCloseCode('1003')).toEqual({ code: 1003 });
    expect(validateCloseCode(' ')).toEqual({ code: undefined });
  });

  it('refuses out-of-range, non-integer and reserved codes', () => {
    for (const text of ['999', '5000', '1000.5', 'abc', '-1000', '1004', '1005', '1006', '1015']) {
      expect(validateCloseCode(text)).toHaveProperty('error');
    }
  });

  it('counts the reason in UTF-8 bytes', () => {
    expect(utf8Length('é')).toBe(2);
    expect(validateCloseReason('a'.repeat(123))).toBeNull();
    expect(validateCloseReason('a'.repeat(124))).toMatch(/124 bytes/);
    expect(validateCloseReason('é'.repeat(62))).toMatch(/124 bytes/);
  });
});

describe('checkJson', () => {
  it('accepts valid JSON', () => {
    expect(checkJson('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
  });

  it('says where invalid JSON breaks', () => {
    const check = checkJson('{\n  "a": 1,\n  "b": }');
    expect(check.ok).toBe(false);
    if (!check.ok) expect([check.line, check.column]).toEqual([3, 8]);
  });

  it('points at the end for truncated input', () => {
    const check = checkJson('{"a": [1, 2');
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.line).toBe(1);
  });

  it('is used by the composer to refuse invalid JSON', () => {
    expect(encodeOutgoing('json', '{"ok":true}')).toEqual({ kind: 'text', data: '{"ok":true}' });
    expect(encodeOutgoing('json', '{"ok":')).toHaveProperty('error');
  });
});

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

describe('saved messages', () => {
  const url = 'ws://127.0.0.1:9000/feed?token=secret';

  it('keys by origin and path, without the query', () => {
    expect(endpointKey(url)).toBe('wsi.saved-messages:ws://127.0.0.1:9000/feed');
    expect(endpointKey('ws://127.0.0.1:9000/feed')).toBe(endpointKey(url));
    expect(endpointKey('ws://127.0.0.1:9000/other')).not.toBe(endpointKey(url));
  });

  it('saves, replaces by name, sorts, and deletes', () => {
    const storage = memoryStorage();
    saveMessage(storage, url, { name: 'sub', kind: 'json', payload: '{"op":"sub"}' });
    saveMessage(storage, url, { name: 'hello', kind: 'text', payload: 'hi' });
    const list = saveMessage(storage, url, { name: 'sub', kind: 'json', payload: '{"op":"sub2"}' });
    expect(list.map((m) => [m.name, m.payload])).toEqual([
      ['hello', 'hi'],
      ['sub', '{"op":"sub2"}'],
    ]);
    expect(loadSavedMessages(storage, 'ws://127.0.0.1:9000/feed')).toEqual(list);
    expect(deleteSavedMessage(storage, url, 'hello').map((m) => m.name)).toEqual(['sub']);
    deleteSavedMessage(storage, url, 'sub');
    expect(storage.data.size).toBe(0);
  });

  it('ignores malformed storage', () => {
    const storage = memoryStorage();
    storage.setItem(endpointKey(url), '{not json');
    expect(loadSavedMessages(storage, url)).toEqual([]);
    storage.setItem(endpointKey(url), JSON.stringify([{ name: 'x', kind: 'evil', payload: '' }, 5]));
    expect(loadSavedMessages(storage, url)).toEqual([]);
  });
});

describe('deflate info', () => {
  it('summarises compression and spells out defaults', () => {
    expect(compressionSummary({ wireSize: 25, size: 100 })).toBe(
      '25 B on the wire → 100 B decoded (25.0 % of decoded size)',
    );
    expect(
      deflateParameters({
        name: 'permessage-deflate',
        params: { client_no_context_takeover: true, server_max_window_bits: '10' },
      }),
    ).toEqual([
      'server_no_context_takeover: no',
      'client_no_context_takeover: yes',
      'server_max_window_bits: 10',
      'client_max_window_bits: 15 (default)',
    ]);
  });
});

describe('size bounds', () => {
  it('parses byte counts; empty is unbounded, junk is invalid', () => {
    expect(parseByteBound('')).toBeNull();
    expect(parseByteBound(' 128 ')).toBe(128);
    expect(parseByteBound('-1')).toBeUndefined();
    expect(parseByteBound('1.5')).toBeUndefined();
  });
});

describe('jsonErrorOffset', () => {
  it('finds the first bad character', () => {
    expect(jsonErrorOffset('{"a": 1,}')).toBe(8);
    expect(jsonErrorOffset('[1, 2 3]')).toBe(6);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(jsonErrorOffset('{"a": tru}')).toBe(6);
    expect(jsonErrorOffset('[1] x')).toBe(4);
    expect(jsonErrorOffset('{"a": [1, {"b": "c"}], "d": null}')).toBe(-1);
    expect(jsonErrorOffset('['.repeat(50_000))).toBe(50_000);
  });
});

describe('go to', () => {
  it('reads frame numbers and times', () => {
    expect(parseGoTo('1234')).toEqual({ kind: 'frame', seq: 1234 });
    expect(parseGoTo(' #7 ')).toEqual({ kind: 'frame', seq: 7 });
    expect(parseGoTo('+250ms')).toEqual({ kind: 'time', ms: 250 });
    expect(parseGoTo('1.5s')).toEqual({ kind: 'time', ms: 1500 });
    expect(parseGoTo('+1200')).toEqual({ kind: 'time', ms: 1200 });
    expect(parseGoTo('2m')).toEqual({ kind: 'time', ms: 120_000 });
    expect(parseGoTo('1.5')).toBeNull();
    expect(parseGoTo('abc')).toBeNull();
  });

  it('finds the row of a frame, the message after it, and the first row at a time', () => {
    const log = new ConnectionLog();
    const events = randomEvents(21, 3000);
    for (const event of events) log.append(event);
    const frames = new RowIndex().rows('k', log, { mode: 'frames', showControl: true });
    const messages = new RowIndex().rows('k', log, { mode: 'messages', showControl: true });
    const someFrame = events.findIndex((e, i) => i > 1000 && e.type === 'frame' && e.frame.opcode === 1);
    const seq = (events[someFrame] as Extract<CaptureEvent, { type: 'frame' }>).frame.seq;
    const at = positionOf({ kind: 'frame', seq }, frames, log, 0);
    expect(log.at(frames[at]!)).toEqual(log.frame(seq));
    const inMessages = positionOf({ kind: 'frame', seq }, messages, log, 0);
    expect(messages[inMessages]).toBeGreaterThanOrEqual(log.frameIndex(seq)!);
    expect(inMessages === 0 || messages[inMessages - 1]! < log.frameIndex(seq)!).toBe(true);
    const t = events[2000]!.t;
    const byTime = positionOf({ kind: 'time', ms: t - 5 }, frames, log, 5);
    expect(log.events.timeAt(frames[byTime]!)).toBeGreaterThanOrEqual(t);
    expect(log.events.timeAt(frames[byTime - 1]!)).toBeLessThan(t);
    expect(positionOf({ kind: 'frame', seq: 10_000_000 }, frames, log, 0)).toBe(-1);
    expect(positionOf({ kind: 'time', ms: 1e12 }, frames, log, 0)).toBe(-1);
  });
});
