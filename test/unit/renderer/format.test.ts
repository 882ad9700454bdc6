import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  bytesToBase64,
  formatSize,
  hexDump,
  normaliseBase64,
  parseHex,
} from '../../../renderer/src/format/bytes.js';
import { formatDuration, formatRelativeMs } from '../../../renderer/src/format/time.js';
import { clipForDisplay, formatCount, prettyJson, previewText } from '../../../renderer/src/format/text.js';
import fc from 'fast-check';
import { encodeOutgoing } from '../../../renderer/src/components/Composer.js';
import {
  buildConnectRequest,
  buildStormRequest,
  emptyConnectFields,
  parseHeaderLines,
} from '../../../renderer/src/ui/connect-request.js';
import { bridgeUrlFromPage } from '../../../renderer/src/api/bridge-transport.js';

describe('bytes', () => {
  it('round-trips base64 and rejects garbage without throwing', () => {
    const bytes = new Uint8Array([0, 1, 127, 128, 255]);
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
    expect(base64ToBytes('@@@')).toEqual(new Uint8Array(0));
  });

  it('parses hex in the common spellings', () => {
    expect(parseHex('01 ff A0')).toEqual(new Uint8Array([1, 255, 160]));
    expect(parseHex('0x01,0x02')).toEqual(new Uint8Array([1, 2]));
    expect(parseHex('01:02:03')).toEqual(new Uint8Array([1, 2, 3]));
    expect(parseHex('abc')).toBeNull();
    expect(parseHex('zz')).toBeNull();
  });

  it('normalises base64 input and refuses non-base64', () => {
    expect(normaliseBase64('3q2+7w==')).toBe('3q2+7w==');
    expect(normaliseBase64('3q2+7w')).toBe('3q2+7w==');
    expect(normaliseBase64('not base64!')).toBeNull();
  });

  it('dumps hex with offsets and printable ASCII', () => {
    const dump = hexDump(new TextEncoder().encode('Hello, WebSocket world!\n'));
    expect(dump.split('\n')).toEqual([
      '00000000  48 65 6c 6c 6f 2c 20 57 65 62 53 6f 63 6b 65 74  Hello, WebSocket',
      '00000010  20 77 6f 72 6c 64 21 0a                           world!.',
    ]);
    expect(hexDump(new Uint8Array(40), 16)).toContain('24 more bytes not shown');
  });

  it('formats sizes', () => {
    expect(formatSize(125)).toBe('125 B');
    expect(formatSize(65_536)).toBe('64.0 KiB');
    expect(formatSize(3 * 1024 * 1024)).toBe('3.0 MiB');
  });
});

describe('text and time', () => {
  it('groups counts in thousands as toLocaleString("en") does, integers of any size and sign', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.nat(2_000_000)), (n) => {
        expect(formatCount(n)).toBe(n.toLocaleString('en'));
      }),
    );
    expect(formatCount(1_000_000)).toBe('1,000,000');
  });

  it('clips huge single-line previews and makes control characters visible', () => {
    const preview = previewText('a'.repeat(1_000_000), 100);
    expect(preview).toHaveLength(101);
    expect(preview.endsWith('…')).toBe(true);
    expect(previewText('a\nb\tc\u0000')).toBe('a⏎b⇥c·');
  });

  it('pretty-prints JSON objects and arrays only', () => {
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyJson('42')).toBeNull();
    expect(prettyJson('{broken')).toBeNull();
  });

  it('clips text for display and says how much was left out', () => {
    expect(clipForDisplay('abcdef', 4)).toEqual({ text: 'abcd', clipped: 2 });
  });

  it('formats relative milliseconds and durations', () => {
    expect(formatRelativeMs(12.3456)).toBe('+12.346');
    expect(formatRelativeMs(0)).toBe('+0.000');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(2_500)).toBe('2.50 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});

describe('form input', () => {
  it('turns header lines into headers, keeping case and order', () => {
    expect(parseHeaderLines('Authorization: Bearer x:y\n\nX-Trace:  42 ')).toEqual({
      headers: [
        { name: 'Authorization', value: 'Bearer x:y' },
        { name: 'X-Trace', value: '42' },
      ],
    });
    expect(parseHeaderLines('no colon here')).toEqual({
      error: 'Header line needs "Name: value": no colon here',
    });
  });

  it('encodes composer input as text or base64 binary', () => {
    expect(encodeOutgoing('text', 'hi')).toEqual({ kind: 'text', data: 'hi' });
    expect(encodeOutgoing('hex', 'de ad be ef')).toEqual({ kind: 'binary', data: '3q2+7w==' });
    expect(encodeOutgoing('base64', '3q2+7w==')).toEqual({ kind: 'binary', data: '3q2+7w==' });
    expect(encodeOutgoing('hex', 'xyz')).toHaveProperty('error');
    expect(encodeOutgoing('base64', '%%')).toHaveProperty('error');
  });

  it('derives the API socket URL (with the token) from the page URL', () => {
    expect(bridgeUrlFromPage('http://127.0.0.1:5000/?token=a%2Bb')).toBe(
      'ws://127.0.0.1:5000/api?token=a%2Bb',
    );
    expect(bridgeUrlFromPage('http://127.0.0.1:5000/index.html')).toBe('ws://127.0.0.1:5000/api');
  });
});

describe('buildConnectRequest', () => {
  const fields = (over: Partial<ReturnType<typeof emptyConnectFields>>) => ({
    ...emptyConnectFields(),
    url: 'ws://127.0.0.1:1/x',
    ...over,
  });

  it('builds the smallest request from a URL alone', () => {
    expect(buildConnectRequest(fields({}))).toEqual({ request: { url: 'ws://127.0.0.1:1/x' } });
    expect(buildConnectRequest(fields({ url: 'http://x' }))).toEqual({
      error: 'The URL must start with ws:// or wss://',
    });
  });

  it('adds headers, subprotocols, TLS, credentials, heartbeat and reconnect as the contract spells them', () => {
    const built = buildConnectRequest(
      fields({
        headers: 'X-A: 1',
        protocols: 'a, b',
        insecure: true,
        authKind: 'basic',
        user: 'me',
        password: 'pw',
        heartbeatKind: 'message',
        heartbeatSeconds: '2.5',
        heartbeatMessage: '{"type":"ping"}',
        reconnect: true,
        reconnectInitialSeconds: '0.5',
        reconnectMaxSeconds: '10',
        reconnectMaxAttempts: '3',
      }),
    );
    expect(built).toEqual({
      request: {
        url: 'ws://127.0.0.1:1/x',
        headers: [{ name: 'X-A', value: '1' }],
        protocols: ['a', 'b'],
        insecure: true,
        auth: { kind: 'basic', user: 'me', password: 'pw' },
        heartbeat: { kind: 'message', intervalMs: 2500, message: '{"type":"ping"}' },
        reconnect: { initialDelayMs: 500, maxDelayMs: 10_000, maxAttempts: 3 },
      },
    });
  });

  it('explains what to fix', () => {
    expect(buildConnectRequest(fields({ authKind: 'bearer' }))).toEqual({ error: 'Enter the bearer token' });
    expect(buildConnectRequest(fields({ authKind: 'basic', user: 'a:b' }))).toHaveProperty('error');
    expect(buildConnectRequest(fields({ heartbeatKind: 'message' }))).toEqual({
      error: 'Enter the heartbeat message',
    });
    expect(buildConnectRequest(fields({ heartbeatKind: 'ping', heartbeatMessage: 'x'.repeat(126) }))).toEqual(
      {
        error: 'A ping payload is limited to 125 bytes',
      },
    );
    expect(
      buildConnectRequest(
        fields({ reconnect: true, reconnectInitialSeconds: '5', reconnectMaxSeconds: '1' }),
      ),
    ).toEqual({ error: 'The longest reconnect delay must be ≥ the first one' });
  });
});

describe('buildStormRequest', () => {
  it('reuses the URL, headers and credentials and adds the storm shape', () => {
    const built = buildStormRequest({
      ...emptyConnectFields(),
      url: 'ws://h/x',
      headers: 'X-A: 1',
      authKind: 'bearer',
      token: 't',
      heartbeatKind: 'ping',
      reconnect: true,
      stormCount: '500',
      stormConcurrency: '20',
      stormIntervalMs: '5',
      stormHoldSeconds: '1.5',
    });
    expect(built).toEqual({
      request: {
        url: 'ws://h/x',
        count: 500,
        headers: [{ name: 'X-A', value: '1' }],
        auth: { kind: 'bearer', token: 't' },
        concurrency: 20,
        intervalMs: 5,
        holdMs: 1500,
      },
    });
  });

  it('refuses counts outside the contract', () => {
    expect(buildStormRequest({ ...emptyConnectFields(), url: 'ws://h', stormCount: '0' })).toHaveProperty(
      'error',
    );
    expect(buildStormRequest({ ...emptyConnectFields(), url: 'ws://h', stormCount: '10001' })).toHaveProperty(
      'error',
    );
  });
});
