import { describe, expect, it } from 'vitest';
import { analyzeSession } from '../../../shared/analysis/index.js';
import { toHar, toPcapng } from '../../../shared/export/index.js';
import type { CaptureEvent, FrameEvent, MessageEvent } from '../../../shared/model/events.js';
import type { Session } from '../../../shared/model/session.js';
import { buildRules, checkUserRules, RedactStream, redactSession } from '../../../shared/redact/index.js';
import { fieldMatches, jsonSecretSpans } from '../../../shared/redact/json-mask.js';
import { applySpans } from '../../../shared/redact/text-mask.js';
import { parseSession, serializeSession } from '../../../shared/session/index.js';
import { fromBase64, toBase64 } from '../../../shared/util/base64.js';
import { frame, message, STARTED_AT } from '../export/session-fixture.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const b64text = (data: string): string => text(fromBase64(data) ?? new Uint8Array());

function maskJson(json: string, fields: string[]): string {
  const bytes = utf8(json);
  const { spans } = jsonSecretSpans(bytes, (path) => fields.findIndex((f) => fieldMatches(f, path)));
  return text(applySpans(bytes, spans));
}

describe('JSON field masking', () => {
  it('masks values of named fields at any depth, keeping the JSON valid and the same length', () => {
    const json =
      '{"user":"ann","password":"hunter2","nested":{"Token":12345,"ok":true},"list":[{"secret":false}]}';
    const masked = maskJson(json, ['password', 'token', 'secret']);
    expect(masked).toBe(
      '{"user":"ann","password":"*******","nested":{"Token":0    ,"ok":true},"list":[{"secret":null }]}',
    );
    expect(masked.length).toBe(json.length);
    expect(JSON.parse(masked)).toMatchObject({ nested: { Token: 0 }, list: [{ secret: null }] });
  });

  it('masks a whole object or array under a secret field', () => {
    expect(maskJson('{"secret":{"a":"xy","b":[1,"z"]},"k":"v"}', ['secret'])).toBe(
      '{"secret":{"a":"**","b":[0,"*"]},"k":"v"}',
    );
  });

  it('paths match from the root only; [n] and * steps', () => {
    const json = '{"user":{"pin":"1234"},"pin":"5678","items":[{"key":"a"},{"key":"b"}]}';
    expect(maskJson(json, ['$.user.pin'])).toBe(
      '{"user":{"pin":"****"},"pin":"5678","items":[{"key":"a"},{"key":"b"}]}',
    );
    expect(maskJson(json, ['$.items[1].key'])).toContain('[{"key":"a"},{"key":"*"}]');
    expect(maskJson(json, ['$.items[*].key'])).toContain('[{"key":"*"},{"key":"*"}]');
  });

  it('a preview cut mid-value is masked to its end; escapes and multi-byte text keep the byte length', () => {
    expect(maskJson('{"a":1,"password":"hunt', ['password'])).toBe('{"a":1,"password":"****');
    const json = '{"password":"p\\"ä✓"}';
    const masked = maskJson(json, ['password']);
    expect(utf8(masked).length).toBe(utf8(json).length);
    expect(masked).toBe(`{"password":"${'*'.repeat(utf8('p\\"ä✓').length)}"}`);
  });

  it('not JSON: nothing masked', () => {
    expect(maskJson('password=hunter2', ['password'])).toBe('password=hunter2');
  });
});

describe('user rules', () => {
  it('bad rules are named', () => {
    expect(checkUserRules({ defaults: true, regexes: ['(unclosed'] })).toMatch(
      /^regex "\(unclosed" is invalid: /,
    );
    expect(checkUserRules({ defaults: true, regexes: ['x*'] })).toBe('regex "x*" matches the empty string');
    expect(checkUserRules({ defaults: true, headers: ['Bad Header'] })).toBe(
      'header rule "Bad Header" is not a header name',
    );
    expect(checkUserRules({ defaults: true, jsonFields: ['$.a..b'] })).toMatch(/is not of the form/);
    expect(
      checkUserRules({ defaults: true, headers: ['X-Api-Token'], jsonFields: ['$.a[0].b'] }),
    ).toBeUndefined();
  });
});

const REQUEST_RAW =
  'GET /feed?room=1&access_token=QSECRET&apiKey=KSECRET HTTP/1.1\r\nHost: example.test\r\n' +
  'Authorization: Bearer HSECRET\r\nCookie: sid=CSECRET\r\nX-Custom: XSECRET\r\n\r\n';
const RESPONSE_RAW =
  'HTTP/1.1 101 Switching Protocols\r\nSet-Cookie: sid=SSECRET; Path=/\r\nUpgrade: websocket\r\n\r\n';
const heads = (raw: string) =>
  raw
    .split('\r\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => ({
      name: line.slice(0, line.indexOf(':')),
      value: line.slice(line.indexOf(':') + 1).trim(),
    }));

/** One connection: headers with secrets, a JSON message in two frames with the secret split across them, a deflated one. */
function secretSession(): Session {
  const whole = utf8('{"op":"login","password":"JSECRET-split-here","card":"4111-1111-1111-1111"}');
  const cut = 30; // inside the password value
  const deflated = Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd, 0xee);
  const events: CaptureEvent[] = [
    {
      type: 'connection',
      conn: 'c1',
      t: 0,
      mode: 'client',
      url: 'ws://example.test/feed?room=1&access_token=QSECRET&apiKey=KSECRET',
      at: STARTED_AT,
    },
    {
      type: 'http-request',
      conn: 'c1',
      t: 1,
      leg: 'direct',
      head: {
        method: 'GET',
        target: '/feed?room=1&access_token=QSECRET&apiKey=KSECRET',
        httpVersion: '1.1',
        headers: heads(REQUEST_RAW),
        raw: REQUEST_RAW,
      },
    },
    {
      type: 'http-response',
      conn: 'c1',
      t: 2,
      leg: 'direct',
      head: {
        httpVersion: '1.1',
        status: 101,
        statusText: 'Switching Protocols',
        headers: heads(RESPONSE_RAW),
        raw: RESPONSE_RAW,
      },
      accept: 'ok',
      timing: {},
    },
    { type: 'open', conn: 'c1', t: 2, protocol: '', extensions: [] },
    {
      type: 'frame',
      conn: 'c1',
      t: 3,
      frame: frame({ seq: 1, dir: 'c2s', opcode: 1, fin: false, payload: whole.slice(0, cut), messageId: 1 }),
    },
    {
      type: 'frame',
      conn: 'c1',
      t: 4,
      frame: frame({
        seq: 2,
        dir: 'c2s',
        opcode: 0,
        offset: 6 + cut,
        payload: whole.slice(cut),
        messageId: 1,
      }),
    },
    { type: 'message', conn: 'c1', t: 4, message: { ...message(1, 'c2s', 1, whole), frames: [1, 2] } },
    {
      type: 'frame',
      conn: 'c1',
      t: 5,
      frame: frame({ seq: 3, dir: 's2c', opcode: 1, rsv1: true, payload: deflated, messageId: 2 }),
    },
    {
      type: 'message',
      conn: 'c1',
      t: 5,
      message: {
        ...message(2, 's2c', 1, utf8('{"token":"ZSECRET"}')),
        frames: [3],
        wireSize: 5,
        compressed: true,
      },
    },
    {
      type: 'frame',
      conn: 'c1',
      t: 6,
      frame: frame({ seq: 4, dir: 's2c', opcode: 1, payload: utf8('plain, no secret'), messageId: 3 }),
    },
    {
      type: 'message',
      conn: 'c1',
      t: 6,
      message: { ...message(3, 's2c', 1, utf8('plain, no secret')), frames: [4] },
    },
    {
      type: 'frame',
      conn: 'c1',
      t: 7,
      frame: frame({
        seq: 5,
        dir: 'c2s',
        opcode: 8,
        payload: Uint8Array.of(0x03, 0xe8, ...utf8('bye 4111-1111-1111-1111')),
        close: { code: 1000, reason: 'bye 4111-1111-1111-1111' },
      }),
    },
    { type: 'tcp', conn: 'c1', t: 8, leg: 'direct', kind: 'fin', side: 'server' },
    { type: 'end', conn: 'c1', t: 9 },
  ];
  return { header: { format: 'wsi-session', version: 1, startedAt: STARTED_AT, producer: 'test' }, events };
}

const SECRETS = [
  'QSECRET',
  'KSECRET',
  'HSECRET',
  'CSECRET',
  'SSECRET',
  'XSECRET',
  'JSECRET',
  'split-here',
  'ZSECRET',
  '4111',
];
const rules = buildRules({
  defaults: true,
  headers: ['X-Custom'],
  regexes: ['\\d{4}-\\d{4}-\\d{4}-\\d{4}'],
});

/** Every string in the session with base64 payloads decoded, so a secret inside a payload is found too. */
function everything(session: Session): string {
  const parts: string[] = [JSON.stringify(session)];
  for (const e of session.events) {
    if (e.type === 'frame') parts.push(b64text(e.frame.data));
    if (e.type === 'message') parts.push(b64text(e.message.data));
  }
  return parts.join('\n');
}

describe('redactSession', () => {
  const original = secretSession();
  const redacted = redactSession(original, rules);

  it('RedactStream, record by record, gives the same records in the same order and the same counts', () => {
    const stream = new RedactStream(rules);
    // Another connection's records between a message's frames and the message: held back, order kept.
    const other = { type: 'tcp', conn: 'zz', t: 0, leg: 'direct', kind: 'connect', side: 'server' } as const;
    const at = original.events.findIndex((e) => e.type === 'frame') + 1;
    const input = [...original.events.slice(0, at), other, ...original.events.slice(at)];
    const expected = redactSession({ header: original.header, events: input }, rules);
    const out = [...input.flatMap((e) => stream.push(e)), ...stream.end()];
    expect(out).toEqual(expected.events);
    expect(stream.summary()).toEqual(expected.header.redaction);
  });

  it('the original holds every secret (the check below can fail)', () => {
    for (const secret of SECRETS) expect(everything(original)).toContain(secret);
  });

  it('leaves no secret in any record, payload, frame or raw head', () => {
    const all = everything(redacted);
    for (const secret of SECRETS) expect(all, secret).not.toContain(secret);
  });

  it('masks the secret split across two frames consistently with the message', () => {
    const frames = redacted.events.filter((e): e is FrameEvent => e.type === 'frame');
    const joined = b64text(frames[0]!.frame.data) + b64text(frames[1]!.frame.data);
    const msg = redacted.events.find((e): e is MessageEvent => e.type === 'message')!;
    expect(joined).toBe(b64text(msg.message.data));
    expect(JSON.parse(joined)).toEqual({ op: 'login', password: '*'.repeat(18), card: '*'.repeat(19) });
    expect(frames.slice(0, 2).every((f) => f.frame.redacted)).toBe(true);
  });

  it('blanks deflated frames of a message that had secrets (they would inflate back to it)', () => {
    const deflated = redacted.events.find((e): e is FrameEvent => e.type === 'frame' && e.frame.seq === 3)!;
    expect([...fromBase64(deflated.frame.data)!]).toEqual([0, 0, 0, 0, 0]);
    const plain = redacted.events.find((e): e is FrameEvent => e.type === 'frame' && e.frame.seq === 4)!;
    expect(plain.frame.redacted).toBeUndefined();
  });

  it('keeps lengths and frame structure, so the analysis is the same', () => {
    const shape = (s: Session) =>
      s.events.map((e) =>
        e.type === 'frame'
          ? [
              e.frame.seq,
              e.frame.payloadLength,
              fromBase64(e.frame.data)!.length,
              e.frame.fin,
              e.frame.opcode,
            ]
          : e.type === 'message'
            ? [e.message.id, e.message.size, fromBase64(e.message.data)!.length]
            : e.type === 'http-request' || e.type === 'http-response'
              ? [e.head.raw.length]
              : [e.type],
      );
    expect(shape(redacted)).toEqual(shape(original));
    // Same findings and numbers; only the texts that quote a masked value (the URL, the close reason) differ.
    const [after, before] = [redacted, original].map((s) => analyzeSession(s));
    const facts = (a: typeof after) => ({
      connections: a!.connections.map(({ url: _url, closeReason: _reason, ...rest }) => rest),
      findings: a!.findings.map(({ detail: _detail, ...rest }) => rest),
    });
    expect(facts(after)).toEqual(facts(before));
    expect(after!.findings.length).toBeGreaterThan(0);
  });

  it('header values and query values are masked in the same way in the list, the raw head, the target and the URL', () => {
    const request = redacted.events.find((e) => e.type === 'http-request');
    if (request?.type !== 'http-request') throw new Error('no request');
    expect(request.head.raw).toBe(
      'GET /feed?room=1&access_token=*******&apiKey=******* HTTP/1.1\r\nHost: example.test\r\n' +
        'Authorization: **************\r\nCookie: ***********\r\nX-Custom: *******\r\n\r\n',
    );
    expect(request.head.headers).toEqual(heads(request.head.raw));
    expect(redacted.events[0]).toMatchObject({
      url: 'ws://example.test/feed?room=1&access_token=*******&apiKey=*******',
    });
    const close = redacted.events.find((e): e is FrameEvent => e.type === 'frame' && e.frame.opcode === 8)!;
    expect(close.frame.close).toEqual({ code: 1000, reason: `bye ${'*'.repeat(19)}` });
  });

  it('the header lists every rule with the values it replaced', () => {
    const counts = Object.fromEntries(redacted.header.redaction!.rules.map((r) => [r.rule, r.replaced]));
    expect(counts).toMatchObject({
      'header:Authorization': 1,
      'header:Cookie': 1,
      'header:Set-Cookie': 1,
      'header:X-Custom': 1,
      'query:token': 2,
      'query:key': 2,
      'json:password': 1,
      'json:token': 1,
      'regex:\\d{4}-\\d{4}-\\d{4}-\\d{4}': 2,
      'json:api_key': 0,
    });
  });

  it('is a valid session file, and HAR and pcapng of it hold no secret either', () => {
    const file = serializeSession(redacted);
    const back = parseSession(file);
    expect(back.problems).toEqual([]);
    expect(back.session.header.redaction).toEqual(redacted.header.redaction);
    const har = JSON.stringify(toHar(redacted));
    const pcap = Buffer.from(toPcapng(redacted)).toString('latin1');
    for (const secret of SECRETS) {
      expect(har, secret).not.toContain(secret);
      expect(pcap, secret).not.toContain(secret);
    }
    expect(har).toContain('"_wsiRedaction"');
    expect(pcap).toContain('Redacted for sharing (same-length masks): header:Authorization replaced 1');
    // The same exporters on the original do show them (server frames are unmasked on the wire).
    expect(JSON.stringify(toHar(original))).toContain('JSECRET');
    expect(Buffer.from(toPcapng(original)).toString('latin1')).toContain('HSECRET');
    expect(toBase64(utf8('x'))).toBe('eA==');
  });
});
