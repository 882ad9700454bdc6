import { describe, expect, it } from 'vitest';
import { analyzeSession, formatTextReport, summarizeConnection } from '../../../shared/analysis/index.js';
import { conn, header, STARTED_AT } from './builders.js';

describe('summarizeConnection', () => {
  it('fills every field for a clean client-initiated close', () => {
    const b = conn('c1')
      .handshake(10)
      .text(100, 'c2s', 5)
      .text(150, 's2c', 200)
      .cleanClose(5_150, 'client', 1000, 'bye');
    const s = summarizeConnection(header, b.events);
    expect(s).toEqual({
      id: 'c1',
      url: 'ws://example.test/socket',
      status: 101,
      httpVersion: '1.1',
      openedAt: STARTED_AT + 13,
      closedAt: STARTED_AT + 5_153,
      closeInitiator: 'client',
      closeKind: 'close-frame',
      closeCode: 1000,
      closeReason: 'bye',
      framesIn: 2,
      framesOut: 2,
      // s2c: text 2+200, close 2+5 ; c2s: text 6+5, close 6+5
      bytesIn: 202 + 7,
      bytesOut: 11 + 11,
      maxSilenceMs: 5_000,
      browserCloseCode: 1000,
      closingHandshakeComplete: true,
    });
  });

  it('uses the attempt start as openedAt when the handshake never completed, and null status without a response', () => {
    const b = conn('c2').start(5).tcpConnect(6).request(7).tcp(30_000, 'fin', 'server').end(30_001);
    const s = summarizeConnection(header, b.events);
    expect(s.openedAt).toBe(STARTED_AT + 5);
    expect(s.status).toBeNull();
    expect(s.closeKind).toBe('tcp-fin');
    expect(s.closeInitiator).toBe('server');
    expect(s.browserCloseCode).toBe(1006);
    expect(s.maxSilenceMs).toBe(0);
  });

  it('reports a drop without close frame: tcp-fin by the server, 1006, final gap included in maxSilenceMs', () => {
    const b = conn('c3')
      .handshake(0)
      .text(1_000, 's2c')
      .tcp(61_000, 'fin', 'server')
      .tcp(61_001, 'fin', 'client')
      .end(61_002);
    const s = summarizeConnection(header, b.events);
    expect(s.closeKind).toBe('tcp-fin');
    expect(s.closeInitiator).toBe('server');
    expect(s.closeCode).toBeNull();
    expect(s.closeReason).toBeNull();
    expect(s.browserCloseCode).toBe(1006);
    expect(s.closingHandshakeComplete).toBe(false);
    expect(s.maxSilenceMs).toBe(60_000);
  });

  it('distinguishes RST, timeout and error endings', () => {
    const rst = conn('r').handshake().tcp(50, 'rst', 'client').end(51);
    expect(summarizeConnection(header, rst.events)).toMatchObject({
      closeKind: 'tcp-rst',
      closeInitiator: 'client',
    });
    const timeout = conn('t')
      .start(0)
      .request(1)
      .error(10_000, 'HANDSHAKE_TIMEOUT', 'timed out', 'server')
      .end(10_001);
    expect(summarizeConnection(header, timeout.events)).toMatchObject({
      closeKind: 'timeout',
      closeInitiator: 'server',
    });
    const error = conn('e').start(0).error(3, 'ECONNREFUSED').end(4);
    expect(summarizeConnection(header, error.events)).toMatchObject({
      closeKind: 'error',
      closeInitiator: 'unknown',
    });
  });

  it('is open while no ending was recorded, with null closedAt and browserCloseCode', () => {
    const b = conn('o').handshake().text(2_000, 'c2s');
    const s = summarizeConnection(header, b.events);
    expect(s.closeKind).toBe('open');
    expect(s.closedAt).toBeNull();
    expect(s.browserCloseCode).toBeNull();
    expect(s.maxSilenceMs).toBe(1_997);
    expect(summarizeConnection(header, b.events, { now: 10_000 }).maxSilenceMs).toBe(8_000);
  });

  it('browser code is 1005 for a server close frame without a code, 1006 when only the client sent close', () => {
    const noCode = conn('n').handshake().close(10, 's2c').close(11, 'c2s').tcp(12, 'fin', 'server').end(13);
    expect(summarizeConnection(header, noCode.events)).toMatchObject({
      browserCloseCode: 1005,
      closeCode: null,
      closeInitiator: 'server',
      closingHandshakeComplete: true,
    });
    const unanswered = conn('u').handshake().close(10, 'c2s', 1000).tcp(40, 'fin', 'server').end(41);
    expect(summarizeConnection(header, unanswered.events)).toMatchObject({
      browserCloseCode: 1006,
      closeCode: 1000,
      closingHandshakeComplete: false,
    });
  });

  it('in a proxy session takes status and version from the downstream leg and attributes by the first end that acted', () => {
    const b = conn('p', 'proxy')
      .start(0)
      .tcpConnect(1, 'downstream')
      .request(1, { leg: 'downstream' })
      .tcpConnect(2, 'upstream')
      .request(2, { leg: 'upstream', httpVersion: '1.0' })
      .response(4, 101, { leg: 'upstream' })
      .response(5, 101, { leg: 'downstream' })
      .open(5)
      .tcp(2_005, 'fin', 'server', 'upstream')
      .tcp(2_006, 'fin', 'server', 'downstream')
      .end(2_007);
    const s = summarizeConnection(header, b.events);
    expect(s).toMatchObject({
      status: 101,
      httpVersion: '1.1',
      closeInitiator: 'server',
      closeKind: 'tcp-fin',
    });
    expect(s.maxSilenceMs).toBe(2_000);
  });

  it('carries the TLS of the leg to the server, and the text report prints it', () => {
    const tls = {
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_128_GCM_SHA256',
      servername: 'example.test',
      authorized: true,
      certificate: {
        subject: 'CN=example.test',
        issuer: 'CN=Test CA',
        validFrom: '2026-01-01T00:00:00.000Z',
        validTo: '2027-01-01T00:00:00.000Z',
        fingerprint256: 'AB:CD',
      },
    };
    const events = conn('c1')
      .handshake(10)
      .cleanClose(50, 'client')
      .events.map((e) => (e.type === 'http-response' ? { ...e, tls } : e));
    expect(summarizeConnection(header, events).tls).toEqual(tls);
    const report = formatTextReport(analyzeSession({ header, events }));
    expect(report).toContain('  tls: TLSv1.3 · TLS_AES_128_GCM_SHA256; trusted for example.test');
    expect(report).toContain(
      '  certificate: CN=example.test, issued by CN=Test CA, valid 2026-01-01 to 2027-01-01',
    );
  });
});
