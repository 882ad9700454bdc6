import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/model/finding.js';
import { closeBody, rawBackend, serverFrame, switching, type Backend } from './backends.js';
import { capture, type Capture } from './harness.js';

let backend: Backend | undefined;
let rec: Capture | undefined;
afterEach(async () => {
  await rec?.cleanup();
  await backend?.close();
  rec = undefined;
  backend = undefined;
});

const byId = (findings: Finding[], id: string): Finding => {
  const found = findings.find((f) => f.id === id);
  if (!found) throw new Error(`no ${id} among ${findings.map((f) => f.id).join(', ')}`);
  return found;
};

async function connectOnce(url: string, extra: { protocols?: string[]; pingIntervalMs?: number } = {}) {
  rec = await capture();
  const { conn } = await rec.inspector.connect({ url, ...extra });
  const events = await rec.ended(conn);
  return { conn, events, rec };
}

describe('wsi analyze against real misbehaving servers', () => {
  it('server closes TCP right after the 101 (post-handshake check): close.after-upgrade + close.abnormal', async () => {
    backend = await rawBackend((socket, up) => {
      socket.write(switching(up.key));
      setTimeout(() => socket.end(), 30);
    });
    const { rec } = await connectOnce(`${backend.url}/live`);
    const { code, json } = await rec.analyzeFile();
    expect(code).toBe(0);
    const [summary] = json.connections;
    expect(summary).toMatchObject({
      status: 101,
      closeKind: 'tcp-fin',
      closeInitiator: 'server',
      browserCloseCode: 1006,
    });
    const f = byId(json.findings, 'close.after-upgrade');
    expect(f.title).toMatch(/Server closed TCP \d+ ms after the 101/);
    expect(f.detail).toContain('authentication');
    byId(json.findings, 'close.abnormal');
  });

  it('idle drop by a server-side RST after ~1.5 s of silence, matched to --idle-threshold', async () => {
    backend = await rawBackend((socket, up) => {
      socket.write(switching(up.key));
      setTimeout(() => socket.resetAndDestroy(), 1_500);
    });
    const { rec } = await connectOnce(backend.url);
    const { json } = await rec.analyzeFile(['--idle-threshold', '1.5']);
    const [summary] = json.connections;
    expect(summary?.closeKind).toBe('tcp-rst');
    expect(summary?.closeInitiator).toBe('server');
    expect(summary?.maxSilenceMs).toBeGreaterThan(1_300);
    expect(summary?.maxSilenceMs).toBeLessThan(2_500);
    const f = byId(json.findings, 'close.idle-drop');
    expect(f.title).toContain('server side ended TCP');
    expect(f.detail).toContain('your configured idle threshold');
    expect(f.fix).toMatch(/every (7\d\d ms|\d\.\d s)/);
  });

  it('unoffered subprotocol and bad accept are reported from the captured handshake', async () => {
    backend = await rawBackend((socket, up) =>
      socket.write(switching(up.key, ['Sec-WebSocket-Protocol: graphql-ws'])),
    );
    const first = await connectOnce(backend.url, { protocols: ['chat'] });
    expect(byId(first.rec.analyze().findings, 'handshake.unoffered-subprotocol').detail).toContain('"chat"');
    await first.rec.cleanup();
    await backend.close();

    backend = await rawBackend((socket) => socket.write(switching('not-the-key')));
    const second = await connectOnce(backend.url);
    expect(byId(second.rec.analyze().findings, 'handshake.bad-accept').title).toContain('does not match');
  });

  it('403 with an explanation, and a masked server frame as protocol.violation', async () => {
    backend = await rawBackend((socket) =>
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\nConnection: close\r\n\r\nforbidden'),
    );
    const rejected = await connectOnce(backend.url);
    const f = byId(rejected.rec.analyze().findings, 'handshake.rejected');
    expect(f.title).toContain('403');
    expect(f.detail).toContain('Origin');
    await rejected.rec.cleanup();
    await backend.close();

    backend = await rawBackend((socket, up) => {
      socket.write(switching(up.key));
      socket.write(serverFrame(1, Buffer.from('hi'), true));
      setTimeout(() => socket.end(serverFrame(8, closeBody(1000))), 50);
    });
    const violating = await connectOnce(backend.url);
    const v = byId(violating.rec.analyze().findings, 'protocol.violation');
    expect(v.title).toBe('Server sent a masked frame (MASKED_SERVER_FRAME)');
  });

  it('close code 1006 sent on the wire is flagged; 1011 explained', async () => {
    backend = await rawBackend((socket, up) => {
      socket.write(switching(up.key));
      setTimeout(() => socket.write(serverFrame(8, closeBody(1006, 'nope'))), 20);
      setTimeout(() => socket.end(), 300);
    });
    const bad = await connectOnce(backend.url);
    expect(byId(bad.rec.analyze().findings, 'close.forbidden-code').title).toContain('1006');
    await bad.rec.cleanup();
    await backend.close();

    backend = await rawBackend((socket, up) => {
      socket.write(switching(up.key));
      setTimeout(() => socket.write(serverFrame(8, closeBody(1011, 'db down'))), 20);
      setTimeout(() => socket.end(), 300);
    });
    const internal = await connectOnce(backend.url);
    const analysis = internal.rec.analyze();
    const c = byId(analysis.findings, 'close.code');
    expect(c.title).toBe('Server closed with 1011 Internal Error');
    expect(analysis.connections[0]).toMatchObject({
      closeCode: 1011,
      closeReason: 'db down',
      closeInitiator: 'server',
    });
  });

  it('pings without pongs before the server drops', async () => {
    backend = await rawBackend((socket, up) => {
      socket.write(switching(up.key));
      socket.on('data', () => undefined);
      setTimeout(() => socket.end(), 1_300);
    });
    const { rec } = await connectOnce(backend.url, { pingIntervalMs: 300 });
    const f = byId(rec.analyze().findings, 'heartbeat.unanswered-ping');
    expect(f.detail).toMatch(/\d of \d pings sent by the client/);
  });

  it('no answer to the upgrade, connection refused, and a reconnect storm across attempts', async () => {
    backend = await rawBackend((socket) => setTimeout(() => socket.end(), 300));
    const silent = await connectOnce(backend.url);
    expect(byId(silent.rec.analyze().findings, 'handshake.no-response').title).toContain(
      'server side closed',
    );
    const port = backend.port;
    await silent.rec.cleanup();
    await backend.close();
    backend = undefined;

    rec = await capture();
    const conns: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { conn } = await rec.inspector.connect({ url: `ws://127.0.0.1:${port}/gone` });
      await rec.ended(conn);
      conns.push(conn);
    }
    const { json } = await rec.analyzeFile();
    expect(byId(json.findings, 'connect.failed').detail).toContain('ECONNREFUSED');
    const storm = byId(json.findings, 'session.reconnect-storm');
    expect(storm.title).toContain(`5 connection attempts to ws://127.0.0.1:${port}/gone`);
    expect(storm.connection).toBe(conns[0]);
  });
});
