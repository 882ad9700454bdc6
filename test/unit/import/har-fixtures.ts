/**
 * HARs in the shapes other tools write them, built here field by field (see docs/exports.md, "Importing a HAR").
 * Times are epoch seconds; STARTED is the first entry's wall clock.
 */
export const STARTED = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const iso = (ms: number): string => new Date(ms).toISOString();
const sec = (ms: number): number => ms / 1000;

const wsRequestHeaders = [
  { name: 'Host', value: 'chat.example.test' },
  { name: 'Connection', value: 'Upgrade' },
  { name: 'Upgrade', value: 'websocket' },
  { name: 'Sec-WebSocket-Version', value: '13' },
  { name: 'Sec-WebSocket-Key', value: 'dGhlIHNhbXBsZSBub25jZQ==' },
  { name: 'Sec-WebSocket-Protocol', value: 'chat.v1' },
  { name: 'Cookie', value: 'sid=abc' },
];
const wsResponseHeaders = [
  { name: 'Upgrade', value: 'websocket' },
  { name: 'Connection', value: 'Upgrade' },
  { name: 'Sec-WebSocket-Accept', value: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' },
  { name: 'Sec-WebSocket-Protocol', value: 'chat.v1' },
];

const timings = {
  blocked: 0.5,
  dns: -1,
  ssl: -1,
  connect: -1,
  send: 0.2,
  wait: 12.3,
  receive: 0,
  _blocked_queueing: 0.4,
};

/** A page load entry (not a WebSocket): every tool writes these beside the WebSocket ones. */
const documentEntry = (at: number) => ({
  startedDateTime: iso(at),
  time: 20,
  request: {
    method: 'GET',
    url: 'https://chat.example.test/',
    httpVersion: 'HTTP/1.1',
    headers: [{ name: 'Host', value: 'chat.example.test' }],
    queryString: [],
    cookies: [],
    headersSize: -1,
    bodySize: 0,
  },
  response: {
    status: 200,
    statusText: 'OK',
    httpVersion: 'HTTP/1.1',
    headers: [{ name: 'Content-Type', value: 'text/html' }],
    cookies: [],
    content: { size: 5, mimeType: 'text/html', text: 'hello' },
    redirectURL: '',
    headersSize: -1,
    bodySize: 5,
  },
  cache: {},
  timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: 10, receive: 10 },
});

/**
 * Chrome / Edge (DevTools "Save all as HAR"): `_resourceType: "websocket"`, `_webSocketMessages` with type
 * send|receive, time (epoch seconds, fractional), opcode 1|2, data (text, or base64 for binary).
 */
export function chromeHar() {
  return {
    log: {
      version: '1.2',
      creator: { name: 'WebInspector', version: '537.36' },
      pages: [
        {
          startedDateTime: iso(STARTED - 100),
          id: 'page_1',
          title: 'https://chat.example.test/',
          pageTimings: {},
        },
      ],
      entries: [
        documentEntry(STARTED - 100),
        {
          _initiator: { type: 'script' },
          _priority: 'Low',
          _resourceType: 'websocket',
          cache: {},
          connection: '123',
          pageref: 'page_1',
          request: {
            method: 'GET',
            url: 'wss://chat.example.test/socket?room=7',
            httpVersion: 'HTTP/1.1',
            headers: wsRequestHeaders,
            queryString: [{ name: 'room', value: '7' }],
            cookies: [{ name: 'sid', value: 'abc' }],
            headersSize: -1,
            bodySize: 0,
          },
          response: {
            status: 101,
            statusText: 'Switching Protocols',
            httpVersion: 'HTTP/1.1',
            headers: wsResponseHeaders,
            cookies: [],
            content: { size: 0, mimeType: 'x-unknown' },
            redirectURL: '',
            headersSize: -1,
            bodySize: 0,
            _transferSize: 0,
            _error: null,
          },
          serverIPAddress: '203.0.113.9',
          startedDateTime: iso(STARTED),
          time: 13,
          timings,
          _webSocketMessages: [
            { type: 'send', time: sec(STARTED + 20.25), opcode: 1, data: '{"op":"join","room":7}' },
            { type: 'receive', time: sec(STARTED + 31.5), opcode: 1, data: '{"op":"joined","n":2}' },
            { type: 'receive', time: sec(STARTED + 40), opcode: 2, data: 'AAEC/w==' },
            { type: 'send', time: sec(STARTED + 55.125), opcode: 1, data: 'héllo ✓' },
          ],
        },
      ],
    },
  };
}

/**
 * Firefox (Network > Save All As HAR): HAR 1.1, the WebSocket handshake as a plain entry (status 101), no
 * `_resourceType`, no messages (Firefox does not export them); `connection` is the remote port.
 */
export function firefoxHar() {
  return {
    log: {
      version: '1.1',
      creator: { name: 'Firefox', version: '133.0' },
      browser: { name: 'Firefox', version: '133.0' },
      pages: [
        {
          id: 'page_1',
          title: 'https://chat.example.test/',
          startedDateTime: '2026-01-02T04:04:05.578+01:00',
          pageTimings: { onContentLoad: -1, onLoad: -1 },
        },
      ],
      entries: [
        { ...documentEntry(STARTED - 100), pageref: 'page_1' },
        {
          pageref: 'page_1',
          startedDateTime: '2026-01-02T04:04:05.678+01:00',
          time: 13,
          request: {
            bodySize: 0,
            method: 'GET',
            url: 'wss://chat.example.test/socket?room=7',
            httpVersion: 'HTTP/1.1',
            headers: wsRequestHeaders,
            cookies: [{ name: 'sid', value: 'abc' }],
            queryString: [{ name: 'room', value: '7' }],
            headersSize: 412,
          },
          response: {
            status: 101,
            statusText: 'Switching Protocols',
            httpVersion: 'HTTP/1.1',
            headers: wsResponseHeaders,
            cookies: [],
            content: { mimeType: '', size: 0, comment: 'Response bodies are not included.' },
            redirectURL: '',
            headersSize: 180,
            bodySize: 0,
          },
          cache: {},
          timings: { blocked: 0, dns: 0, connect: 0, ssl: 0, send: 0, wait: 13, receive: 0 },
          _securityState: 'secure',
          serverIPAddress: '203.0.113.9',
          connection: '443',
        },
      ],
    },
  };
}

/**
 * HTTP Toolkit (Export > HAR): headers as name/value pairs, `_resourceType: "websocket"`, `_webSocketMessages`
 * (opcode 1|2, time in epoch seconds) and `_webSocketClose` ({code, reason, timestamp} or "aborted"), `_tlsErrors`.
 */
export function httpToolkitHar() {
  return {
    log: {
      version: '1.2',
      creator: { name: 'HTTP Toolkit', version: '1.19.0' },
      pages: [{ id: 'Chrome 131', title: 'Chrome 131', startedDateTime: iso(STARTED), pageTimings: {} }],
      entries: [
        {
          pageref: 'Chrome 131',
          startedDateTime: iso(STARTED),
          time: 5000,
          request: {
            method: 'GET',
            url: 'wss://chat.example.test/socket?room=7',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: wsRequestHeaders.map((h) => ({ name: h.name.toLowerCase(), value: h.value })),
            queryString: [{ name: 'room', value: '7' }],
            headersSize: -1,
            bodySize: 0,
          },
          response: {
            status: 101,
            statusText: 'Switching Protocols',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: wsResponseHeaders.map((h) => ({ name: h.name.toLowerCase(), value: h.value })),
            content: { mimeType: 'application/octet-stream', size: 0, text: '' },
            redirectURL: '',
            headersSize: -1,
            bodySize: 0,
          },
          cache: {},
          timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 1, wait: 2, receive: 0 },
          _resourceType: 'websocket',
          _webSocketMessages: [
            { type: 'send', opcode: 1, data: 'ping-1', time: sec(STARTED + 100) },
            { type: 'receive', opcode: 1, data: 'pong-1', time: sec(STARTED + 150) },
            { type: 'receive', opcode: 2, data: 'AQID', time: sec(STARTED + 200) },
          ],
          _webSocketClose: { code: 1000, reason: 'done', timestamp: sec(STARTED + 5000) },
        },
        {
          pageref: 'Chrome 131',
          startedDateTime: iso(STARTED + 10),
          time: 10,
          request: {
            method: 'GET',
            url: 'ws://chat.example.test/other',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: [],
            queryString: [],
            headersSize: -1,
            bodySize: 0,
          },
          response: {
            status: 101,
            statusText: 'Switching Protocols',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: [],
            content: { mimeType: 'application/octet-stream', size: 0 },
            redirectURL: '',
            headersSize: -1,
            bodySize: 0,
          },
          cache: {},
          timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: 0, receive: 0 },
          _resourceType: 'websocket',
          _webSocketMessages: [],
          _webSocketClose: 'aborted',
        },
      ],
      _tlsErrors: [],
    },
  };
}
