import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSession, FINDING_IDS } from '../../../shared/analysis/index.js';
import type { AnalysisOptions } from '../../../shared/analysis/index.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import type { Finding } from '../../../shared/model/finding.js';
import type { TlsSummary } from '../../../shared/model/handshake.js';
import { conn, header, ids, STARTED_AT, switchingHeaders, upgradeRequestHeaders } from './builders.js';

const analyze = (events: CaptureEvent[], options?: AnalysisOptions) =>
  analyzeSession({ header, events }, options);
const findingsOf = (events: CaptureEvent[], options?: AnalysisOptions): Finding[] =>
  analyze(events, options).findings;
const only = (events: CaptureEvent[], id: string, options?: AnalysisOptions): Finding => {
  const matching = findingsOf(events, options).filter((f) => f.id === id);
  expect(matching, `findings: ${ids(findingsOf(events, options)).join(', ')}`).toHaveLength(1);
  const f = matching[0];
  if (!f) throw new Error('unreachable');
  expect(f.detail.length).toBeGreaterThan(20);
  expect(f.fix.length).toBeGreaterThan(10);
  expect(f.evidence.length).toBeGreaterThan(0);
  return f;
};

describe('healthy connection', () => {
  it('produces only an informational close-code finding', () => {
    const b = conn('ok').handshake().text(10, 'c2s').text(20, 's2c').cleanClose(30, 'client');
    const f = findingsOf(b.events);
    expect(ids(f)).toEqual(['close.code', 'close.code']);
    expect(f.every((x) => x.severity === 'info')).toBe(true);
  });
});

describe('handshake findings', () => {
  it('connect.failed names the error', () => {
    const f = only(
      conn('c').start(0).error(2, 'ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1').end(3).events,
      'connect.failed',
    );
    expect(f.detail).toContain('ECONNREFUSED');
    expect(f.fix).toContain('Nothing listens');
  });

  it('handshake.http10 on the upstream leg of a proxy, pointing at proxy_http_version', () => {
    const b = conn('p', 'proxy')
      .start(0)
      .request(1, { leg: 'downstream' })
      .request(2, {
        leg: 'upstream',
        httpVersion: '1.0',
        headers: upgradeRequestHeaders([['X-Real-IP', '127.0.0.1']]),
      })
      .response(3, 101, { leg: 'upstream' })
      .response(3, 101, { leg: 'downstream' })
      .open(3)
      .tcp(5, 'fin', 'server', 'upstream')
      .end(6);
    const f = only(b.events, 'handshake.http10');
    expect(f.detail).toContain('GET /socket HTTP/1.0');
    expect(f.detail).toContain('x-real-ip');
    expect(f.fix).toContain('proxy_http_version 1.1');
    expect(f.evidence[0]).toEqual({ kind: 'handshake', ref: 2, note: 'request line' });
  });

  it('handshake.upgrade-lost in a proxy session compares the two legs', () => {
    const stripped = upgradeRequestHeaders().filter((x) => !['Upgrade', 'Connection'].includes(x.name));
    const b = conn('p', 'proxy')
      .start(0)
      .request(1, { leg: 'downstream' })
      .request(2, { leg: 'upstream', headers: stripped })
      .response(4, 426, { leg: 'upstream', statusText: 'Upgrade Required' })
      .response(4, 426, { leg: 'downstream', statusText: 'Upgrade Required' })
      .tcp(6, 'fin', 'server')
      .end(7);
    const f = only(b.events, 'handshake.upgrade-lost');
    expect(f.detail).toContain('Upgrade: websocket and Connection: upgrade');
    expect(f.detail).toContain('lost: Upgrade, Connection');
    expect(f.detail).toContain('426');
    expect(ids(findingsOf(b.events))).not.toContain('handshake.rejected');
  });

  it('handshake.upgrade-lost in client mode when a complete request gets 400 from behind a proxy', () => {
    const b = conn('c')
      .start(0)
      .request(1)
      .response(4, 400, { headers: [{ name: 'Server', value: 'nginx/1.22.1' }], statusText: 'Bad Request' })
      .end(5);
    const f = only(b.events, 'handshake.upgrade-lost');
    expect(f.detail).toContain('nginx/1.22.1');
    expect(f.fix).toContain('proxy_set_header Upgrade');
  });

  it.each([
    [401, 'authentication'],
    [403, 'Origin'],
    [404, 'nothing serves'],
    [302, 'redirect'],
    [200, 'plain HTTP'],
    [418, 'did not accept'],
  ])('handshake.rejected explains %i', (status, text) => {
    const f = only(conn('c').start(0).request(1).response(3, status).end(4).events, 'handshake.rejected');
    expect(f.title).toContain(String(status));
    expect(`${f.detail} ${f.fix}`).toContain(text);
  });

  it('handshake.rejected for a 426 when the request itself lacked the upgrade headers', () => {
    const headers = upgradeRequestHeaders().filter(
      (x) => !['Upgrade', 'Connection', 'Sec-WebSocket-Key'].includes(x.name),
    );
    const f = only(
      conn('c').start(0).request(1, { headers }).response(3, 426).end(4).events,
      'handshake.rejected',
    );
    expect(f.detail).toContain('426');
  });

  it.each([
    [504, 'timed out', 'proxy_read_timeout'],
    [502, 'could not reach', 'proxy_pass'],
    [499, 'gave up', 'handshake timeout'],
  ])('handshake.gateway-error for %i with the measured wait', (status, title, fix) => {
    const b = conn('g')
      .start(0)
      .request(10)
      .response(2_010, status, { headers: [{ name: 'Server', value: 'nginx' }] })
      .end(2_011);
    const f = only(b.events, 'handshake.gateway-error');
    expect(f.title).toContain(title);
    expect(f.detail).toContain('2.0 s after the request');
    expect(`${f.detail} ${f.fix}`).toContain(fix);
  });

  it('handshake.no-response when the server closes without answering, and while still waiting past the threshold', () => {
    const closed = only(
      conn('n').start(0).request(10).tcp(3_010, 'fin', 'server').end(3_011).events,
      'handshake.no-response',
    );
    expect(closed.title).toContain('server side closed the connection after 3.0 s');
    const waiting = conn('w').start(0).request(10).events;
    expect(ids(findingsOf(waiting, { now: 5_000 }))).toEqual([]);
    expect(only(waiting, 'handshake.no-response', { now: 12_010 }).title).toContain('12.0 s');
  });

  it('handshake.bad-accept', () => {
    const b = conn('a').start(0).request(1).response(2, 101, { accept: 'mismatch' }).end(3);
    expect(only(b.events, 'handshake.bad-accept').title).toContain('does not match');
  });

  it('handshake.unoffered-subprotocol and handshake.unoffered-extension', () => {
    const b = conn('s')
      .start(0)
      .request(1, { headers: upgradeRequestHeaders([['Sec-WebSocket-Protocol', 'chat, superchat']]) })
      .response(2, 101, {
        headers: switchingHeaders([
          ['Sec-WebSocket-Protocol', 'graphql-ws'],
          ['Sec-WebSocket-Extensions', 'permessage-deflate; server_no_context_takeover'],
        ]),
      })
      .open(2, 'graphql-ws');
    expect(only(b.events, 'handshake.unoffered-subprotocol').detail).toContain('"chat", "superchat"');
    expect(only(b.events, 'handshake.unoffered-extension').title).toContain('permessage-deflate');
    const offered = conn('s2')
      .start(0)
      .request(1, {
        headers: upgradeRequestHeaders([
          ['Sec-WebSocket-Protocol', 'chat'],
          ['Sec-WebSocket-Extensions', 'permessage-deflate; client_max_window_bits'],
        ]),
      })
      .response(2, 101, {
        headers: switchingHeaders([
          ['Sec-WebSocket-Protocol', 'chat'],
          ['Sec-WebSocket-Extensions', 'permessage-deflate'],
        ]),
      })
      .open(2, 'chat');
    expect(findingsOf(offered.events)).toEqual([]);
  });
});

describe('close findings', () => {
  it('close.after-upgrade says how many ms after the 101 and blames HTTP/1.0 when present', () => {
    const b = conn('x').handshake(0, { httpVersion: '1.0' }).tcp(15, 'fin', 'server').end(16);
    const f = only(b.events, 'close.after-upgrade');
    expect(f.title).toContain('12 ms after the 101');
    expect(f.detail).toContain('HTTP/1.0');
    expect(ids(findingsOf(b.events))).toEqual(['handshake.http10', 'close.after-upgrade', 'close.abnormal']);
  });

  it('close.after-upgrade without HTTP/1.0 suggests a post-handshake check', () => {
    const b = conn('x').handshake().tcp(203, 'rst', 'server').end(204);
    const f = only(b.events, 'close.after-upgrade');
    expect(f.detail).toContain('authentication');
    expect(f.detail).toContain('TCP reset');
  });

  it('close.idle-drop matches nginx/ALB 60 s and recommends a heartbeat under 30 s', () => {
    const b = conn('i')
      .handshake()
      .text(100, 'c2s')
      .text(110, 's2c')
      .tcp(60_210, 'fin', 'server')
      .end(60_211);
    const f = only(b.events, 'close.idle-drop');
    expect(f.title).toContain('60.1 s of silence (server side ended TCP)');
    expect(f.detail).toContain('nginx (proxy_read_timeout');
    expect(f.detail).toContain('AWS Application/Classic Load Balancer');
    expect(f.detail).not.toContain('Heroku');
    expect(f.fix).toContain('every 30.0 s');
  });

  it('close.idle-drop matches Heroku 55 s, names the client side, and uses --idle-threshold', () => {
    const heroku = conn('h').handshake().text(100, 's2c').tcp(55_400, 'fin', 'server').end(55_401);
    expect(only(heroku.events, 'close.idle-drop').fix).toContain('27.5 s');
    const custom = conn('c').handshake().tcp(2_050, 'fin', 'client').end(2_051);
    const none = only(custom.events, 'close.idle-drop');
    expect(none.detail).toContain('matches none of the common defaults');
    expect(none.title).toContain('client side ended TCP');
    const withThreshold = only(custom.events, 'close.idle-drop', { idleThresholdMs: 2_000 });
    expect(withThreshold.detail).toContain('your configured idle threshold');
    expect(withThreshold.fix).toContain('every 1.0 s');
  });

  it('close.abnormal names who ended TCP, also when a client close went unanswered', () => {
    const b = conn('a').handshake().close(1_000, 'c2s', 1000).tcp(31_000, 'rst', 'server').end(31_001);
    const f = only(b.events, 'close.abnormal');
    expect(f.title).toContain('server ended TCP');
    expect(f.detail).toContain('never answered');
    expect(only(b.events, 'close.no-reply').detail).toContain('30.0 s later');
  });

  it('close.code explains codes with severity by meaning', () => {
    const b = conn('c').handshake().cleanClose(50, 'server', 1011, 'db down');
    const f = findingsOf(b.events).filter((x) => x.id === 'close.code');
    expect(f[0]?.severity).toBe('warning');
    expect(f[0]?.detail).toContain('code 1011 with reason "db down"');
    expect(f[0]?.title).toContain('Internal Error');
    const app = conn('d').handshake().cleanClose(50, 'client', 4001);
    expect(findingsOf(app.events)[0]?.fix).toContain('application-defined');
    const empty = conn('e').handshake().close(10, 's2c').close(11, 'c2s').tcp(12, 'fin', 'server').end(13);
    expect(findingsOf(empty.events)[0]?.detail).toContain('1005');
  });

  it('close.forbidden-code for 1005/1006/1015 and unassigned codes on the wire', () => {
    for (const code of [1005, 1006, 1015, 999, 2500]) {
      const b = conn('f')
        .handshake()
        .close(10, 's2c', code)
        .close(11, 'c2s', 1002)
        .tcp(12, 'fin', 'server')
        .end(13);
      const f = only(b.events, 'close.forbidden-code');
      expect(f.title).toContain(`${code}, which must never appear on the wire`);
      expect(f.severity).toBe('error');
    }
  });
});

describe('heartbeat findings', () => {
  it('heartbeat.gap on an open connection with the largest gap between frames', () => {
    const b = conn('g').handshake().text(1_000, 'c2s').text(46_000, 's2c');
    const f = only(b.events, 'heartbeat.gap', { now: 47_000 });
    expect(f.title).toContain('45.0 s (threshold 30.0 s)');
    expect(f.detail).toContain('after frame #0 until frame #1');
    expect(f.detail).toContain('No pings');
    expect(only(b.events, 'heartbeat.gap', { idleThresholdMs: 20_000, now: 47_000 }).title).toContain(
      'threshold 10.0 s',
    );
  });

  it('heartbeat.unanswered-ping, and mentions the drop that followed', () => {
    const b = conn('p')
      .handshake()
      .ping(1_000, 'c2s')
      .pong(1_010, 's2c')
      .ping(21_000, 'c2s')
      .ping(41_000, 'c2s')
      .tcp(42_000, 'rst', 'server')
      .end(42_001);
    const f = only(b.events, 'heartbeat.unanswered-ping');
    expect(f.detail).toContain('2 of 3 pings sent by the client');
    expect(f.detail).toContain('without a close frame');
    expect(f.evidence.map((e) => e.ref)).toEqual([2, 3]);
  });

  it('heartbeat.unanswered-ping counts each side against its own pings, one finding per side', () => {
    const b = conn('both')
      .handshake()
      .ping(1_000, 'c2s')
      .ping(2_000, 's2c')
      .ping(21_000, 'c2s')
      .pong(21_010, 's2c')
      .tcp(42_000, 'rst', 'server')
      .end(42_001);
    const found = findingsOf(b.events).filter((f) => f.id === 'heartbeat.unanswered-ping');
    expect(found.map((f) => f.title)).toEqual([
      '1 client ping without a pong',
      '1 server ping without a pong',
    ]);
    const [client, server] = found;
    expect(client?.detail).toContain('1 of 2 pings sent by the client got no pong from the server');
    expect(server?.detail).toContain('1 of 1 ping sent by the server got no pong from the client');
    expect(client?.evidence.map((e) => e.ref)).toEqual([2]);
    expect(server?.evidence.map((e) => e.ref)).toEqual([1]);
  });

  it('heartbeat.slow-pong with RTT statistics', () => {
    const b = conn('s')
      .handshake()
      .ping(1_000, 's2c')
      .pong(1_030, 'c2s')
      .ping(11_000, 's2c')
      .pong(13_500, 'c2s')
      .cleanClose(14_000, 'client');
    const f = only(b.events, 'heartbeat.slow-pong');
    expect(f.title).toContain('2.5 s');
    expect(f.detail).toContain('median');
  });

  it('heartbeat.drift when intervals stray from the median', () => {
    const b = conn('d')
      .handshake()
      .ping(10_000, 'c2s')
      .pong(10_005, 's2c')
      .ping(20_000, 'c2s')
      .pong(20_005, 's2c')
      .ping(30_000, 'c2s')
      .pong(30_005, 's2c')
      .ping(90_000, 'c2s')
      .pong(90_005, 's2c')
      .cleanClose(90_100, 'client');
    const f = only(b.events, 'heartbeat.drift');
    expect(f.title).toContain('50.0 s');
    expect(f.severity).toBe('info');
  });
});

describe('protocol and capture findings', () => {
  it('protocol.violation uses the violation table title, groups by code and sender', () => {
    const b = conn('v')
      .handshake()
      .text(10, 's2c')
      .violation(10, 's2c', 'MASKED_SERVER_FRAME', 1002, 0)
      .text(11, 's2c')
      .violation(11, 's2c', 'MASKED_SERVER_FRAME', 1002, 1)
      .violation(12, 'c2s', 'INVALID_UTF8_TEXT', 1007);
    const f = findingsOf(b.events).filter((x) => x.id === 'protocol.violation');
    expect(f.map((x) => x.title)).toEqual([
      'Server sent a masked frame (MASKED_SERVER_FRAME)',
      'Text message is not valid UTF-8 (INVALID_UTF8_TEXT)',
    ]);
    expect(f[0]?.detail).toContain('Seen 2 times');
    expect(f[0]?.evidence).toEqual([
      { kind: 'frame', ref: 0, note: 'MASKED_SERVER_FRAME' },
      { kind: 'frame', ref: 1, note: 'MASKED_SERVER_FRAME' },
    ]);
    expect(f[1]?.detail).toContain('close code 1007');
  });

  it('capture.dropped', () => {
    const f = only(conn('d').handshake().dropped(10, 's2c', 12, 4_096).events, 'capture.dropped');
    expect(f.detail).toContain('12 frames (4096 bytes)');
  });
});

describe('session findings', () => {
  const attempts = (times: number[], url = 'ws://api.test/live'): CaptureEvent[] =>
    times.flatMap(
      (t, i) =>
        conn(`r${i}`, 'client', url)
          .start(t)
          .request(t + 1)
          .tcp(t + 5, 'fin', 'server')
          .end(t + 6).events,
    );

  it('session.reconnect-storm for attempts without backoff', () => {
    const f = only(attempts([0, 500, 1_000, 1_500, 2_000, 2_500]), 'session.reconnect-storm');
    expect(f.title).toContain('6 connection attempts to ws://api.test/live in 2.5 s');
    expect(f.connection).toBe('r0');
  });

  it('no storm when the client backs off exponentially or attempts are spread out', () => {
    expect(ids(findingsOf(attempts([0, 500, 1_500, 3_500, 7_500])))).not.toContain('session.reconnect-storm');
    expect(ids(findingsOf(attempts([0, 5_000, 10_000, 15_000, 20_000])))).not.toContain(
      'session.reconnect-storm',
    );
  });
});

describe('TLS findings', () => {
  const DAY = 86_400_000;
  /** A healthy wss:// connection whose 101 carries `tls` (the handshake is seen at STARTED_AT + 3 ms). */
  const withTls = (tls: TlsSummary): CaptureEvent[] => {
    const events = conn('tls').handshake().cleanClose(30, 'client').events;
    return events.map((e) => (e.type === 'http-response' ? { ...e, tls } : e));
  };
  const certificate = (validTo: number) => ({
    subject: 'CN=chat.example.test',
    issuer: "CN=R3, O=Let's Encrypt",
    validFrom: new Date(STARTED_AT - 60 * DAY).toISOString(),
    validTo: new Date(validTo).toISOString(),
    fingerprint256: 'AB:CD',
  });
  const trusted: TlsSummary = {
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_128_GCM_SHA256',
    servername: 'chat.example.test',
    authorized: true,
    certificate: certificate(STARTED_AT + 90 * DAY),
  };

  it('a trusted certificate far from expiry gives no TLS finding', () => {
    expect(ids(findingsOf(withTls(trusted))).filter((id) => id.startsWith('tls.'))).toEqual([]);
  });

  it('tls.untrusted: accepted only because invalid certificates were allowed, with the reason and its fix', () => {
    const f = only(
      withTls({ ...trusted, authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }),
      'tls.untrusted',
    );
    expect(f.severity).toBe('warning');
    expect(f.title).toBe('Certificate not trusted for chat.example.test, accepted anyway');
    expect(f.detail).toContain('UNABLE_TO_VERIFY_LEAF_SIGNATURE, its issuer is unknown');
    expect(f.detail).toContain(
      "The server's certificate (CN=chat.example.test, issued by CN=R3, O=Let's Encrypt)",
    );
    expect(f.fix).toContain('full chain');
  });

  it('tls.expiring: a certificate that ends within 14 days of the handshake', () => {
    const f = only(
      withTls({ ...trusted, certificate: certificate(STARTED_AT + 3 + 5.5 * DAY) }),
      'tls.expiring',
    );
    expect(f.title).toBe('Certificate for chat.example.test expires in 5 days');
    expect(f.fix).toContain('Renew');
    expect(
      ids(findingsOf(withTls({ ...trusted, certificate: certificate(STARTED_AT + 15 * DAY) }))),
    ).not.toContain('tls.expiring');
  });
});

describe('docs/findings.md', () => {
  it('documents every finding id', () => {
    const docs = readFileSync(new URL('../../../docs/findings.md', import.meta.url), 'utf8');
    for (const id of FINDING_IDS) expect(docs, id).toContain(`\`${id}\``);
  });
});
