import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CA_CERT_FILE, CA_KEY_FILE, CertificateAuthority } from '../../../main/proxy/ca-store.js';
import { analyzeSession } from '../../../shared/analysis/index.js';
import { endedConnection, proxyHarness } from '../../helpers/proxy-harness.js';
import type { ProxyHarness } from '../../helpers/proxy-harness.js';
import type { SelfSigned, TappedWsServer } from '../../helpers/proxy-wire.js';
import {
  ByteLog,
  readUntil,
  selfSignedCert,
  sha256,
  startTappedWsServer,
  tapSocket,
  tappedConnection,
  upgradeRequest,
} from '../../helpers/proxy-wire.js';

let caDir: string;
let cert: SelfSigned;
let plainServer: TappedWsServer;
let tlsServer: TappedWsServer;
let harness: ProxyHarness;
let proxyPort: number;

const echo = (ws: WebSocket): void => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
};

beforeAll(async () => {
  caDir = mkdtempSync(path.join(os.tmpdir(), 'wsi-ca-'));
  cert = selfSignedCert();
  plainServer = await startTappedWsServer(echo);
  tlsServer = await startTappedWsServer(echo, { cert });
  harness = proxyHarness({ caDir: path.join(caDir, 'ca'), passThrough: ['localhost'] });
  // Upstream certificates are self-signed here: the proxy is told to accept them.
  const info = await harness.inspector.startProxy({ mode: 'forward', insecure: true });
  proxyPort = Number(info.address.split(':').pop());
});

afterAll(async () => {
  await harness.dispose();
  await plainServer.close();
  await tlsServer.close();
  rmSync(caDir, { recursive: true, force: true });
});

/** Opens a CONNECT tunnel through the proxy; resolves with the raw socket once the proxy answered 200. */
async function connectTunnel(authority: string): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port: proxyPort });
  socket.on('error', () => undefined);
  const log = new ByteLog();
  const onData = (chunk: Buffer): void => log.add(chunk);
  socket.on('data', onData);
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  const answer = await readUntil(log, socket, (all) => all.includes('\r\n\r\n'));
  socket.off('data', onData);
  expect(answer.toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
  return socket;
}

describe('forward proxy', () => {
  it('creates the CA once, key owner-only, certificate exportable', async () => {
    const dir = path.join(caDir, 'ca');
    const ca = await CertificateAuthority.loadOrCreate(dir);
    expect(statSync(path.join(dir, CA_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const pem = readFileSync(path.join(dir, CA_CERT_FILE), 'utf8');
    expect(pem).toBe(ca.certPem);
    const x509 = new X509Certificate(pem);
    expect(x509.ca).toBe(true);
    const again = await CertificateAuthority.loadOrCreate(dir);
    expect(again.certPem).toBe(ca.certPem);
    const leaf = new X509Certificate(ca.leafFor('example.test').certPem);
    expect(leaf.checkIssued(x509)).toBe(true);
    expect(leaf.subjectAltName).toContain('DNS:example.test');
  });

  it('forwards an absolute-form ws:// upgrade in origin-form and records both legs', async () => {
    const serverSide = plainServer.nextConnection();
    const client = tappedConnection(proxyPort);
    const target = `ws://127.0.0.1:${plainServer.port}/abs?x=1`;
    const { head } = upgradeRequest(target, `127.0.0.1:${plainServer.port}`, [
      'Proxy-Connection: keep-alive',
    ]);
    client.socket.write(head);
    await readUntil(client.incoming, client.socket, (all) => all.includes('\r\n\r\n'));
    expect(client.incoming.head()).toMatch(/^HTTP\/1\.1 101 /);
    const side = await serverSide;
    expect(side.head).toMatch(/^GET \/abs\?x=1 HTTP\/1\.1\r\n/);
    expect(side.head).not.toMatch(/Proxy-Connection/i);
    client.socket.end();
    const events = await endedConnection(harness, '/abs?x=1');
    const requests = events.flatMap((e) => (e.type === 'http-request' ? [`${e.leg} ${e.head.target}`] : []));
    expect(requests).toEqual([`downstream ${target}`, 'upstream /abs?x=1']);
  });

  it('intercepts CONNECT + TLS with a leaf from the local CA and relays wss frames byte for byte', async () => {
    const serverSide = tlsServer.nextConnection();
    const tunnel = await connectTunnel(`127.0.0.1:${tlsServer.port}`);
    const caPem = readFileSync(path.join(caDir, 'ca', CA_CERT_FILE), 'utf8');
    let tapped: ReturnType<typeof tapSocket<tls.TLSSocket>> | undefined;
    const ws = new WebSocket(`wss://127.0.0.1:${tlsServer.port}/mitm`, {
      perMessageDeflate: false,
      createConnection: () => {
        // Trusts only the inspector's CA: the handshake succeeds only if the proxy presented its leaf.
        tapped = tapSocket(tls.connect({ socket: tunnel, ca: caPem, host: '127.0.0.1' }));
        return tapped.socket;
      },
    });
    ws.on('error', () => undefined);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const side = await serverSide;
    const issuer = tapped!.socket.getPeerX509Certificate()?.issuer ?? '';
    expect(issuer).toMatch(/WebSocket Inspector/);
    const replies: Buffer[] = [];
    ws.on('message', (data: Buffer) => replies.push(data));
    ws.send('over tls');
    ws.send(Buffer.alloc(200_000, 7));
    while (replies.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    ws.close();
    await new Promise((resolve) => ws.once('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sha256(side.incoming.bytes())).toBe(sha256(tapped!.outgoing.afterHead()));
    expect(sha256(tapped!.incoming.bytes())).toBe(sha256(side.outgoing.bytes()));
    const events = await endedConnection(harness, '/mitm');
    expect(events[0]?.type === 'connection' && events[0].url).toBe(`wss://127.0.0.1:${tlsServer.port}/mitm`);
    expect(
      events.filter((e) => e.type === 'http-request').map((e) => e.type === 'http-request' && e.leg),
    ).toEqual(['downstream', 'upstream']);
    expect(events.filter((e) => e.type === 'frame').length).toBeGreaterThanOrEqual(6);
    // The upstream leg's TLS: the test server's self-signed certificate, accepted only because of insecure.
    const upstreamResponse = events.find((e) => e.type === 'http-response' && e.leg === 'upstream');
    expect(upstreamResponse?.type === 'http-response' && upstreamResponse.tls).toMatchObject({
      protocol: 'TLSv1.3',
      alpn: 'http/1.1',
      servername: '127.0.0.1',
      authorized: false,
      authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      certificate: { fingerprint256: new X509Certificate(cert.certPem).fingerprint256 },
    });
  });

  it('handles plain ws:// inside a CONNECT tunnel (as browsers send it)', async () => {
    const tunnel = await connectTunnel(`127.0.0.1:${plainServer.port}`);
    const ws = new WebSocket(`ws://127.0.0.1:${plainServer.port}/tunnelled`, {
      perMessageDeflate: false,
      createConnection: () => tunnel,
    });
    ws.on('error', () => undefined);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('hi');
    const reply = await new Promise<Buffer>((resolve) => ws.once('message', resolve));
    expect(reply.toString()).toBe('hi');
    ws.close();
    const events = await endedConnection(harness, '/tunnelled');
    expect(events[0]?.type === 'connection' && events[0].url).toBe(
      `ws://127.0.0.1:${plainServer.port}/tunnelled`,
    );
  });

  it('tunnels pass-through hosts without interception', async () => {
    const tunnel = await connectTunnel(`localhost:${tlsServer.port}`);
    const secure = tls.connect({ socket: tunnel, servername: 'localhost', rejectUnauthorized: false });
    await new Promise((resolve) => secure.once('secureConnect', resolve));
    const presented = secure.getPeerX509Certificate()!;
    expect(presented.fingerprint256).toBe(new X509Certificate(cert.certPem).fingerprint256);
    secure.destroy();
  });

  it('records a tunnel whose client refuses the inspector certificate, and the finding says to trust the CA', async () => {
    // A client that trusts only the system roots, as one that was never told about the inspector's CA (TLS 1.3:
    // Node checks the certificate inside the handshake and closes without an alert).
    const tunnel = await connectTunnel(`distrust.localhost:${tlsServer.port}`);
    const secure = tls.connect({ socket: tunnel, servername: 'distrust.localhost' });
    const refused = await new Promise<NodeJS.ErrnoException>((resolve) => secure.once('error', resolve));
    expect(refused.code).toBe('SELF_SIGNED_CERT_IN_CHAIN');

    const events = await endedConnection(harness, 'distrust.localhost');
    expect(events[0]?.type === 'connection' && events[0].url).toBe(
      `wss://distrust.localhost:${tlsServer.port}/`,
    );
    const error = events.find((e) => e.type === 'error');
    expect(error).toMatchObject({ code: 'TLS_CLIENT_CLOSED_HANDSHAKE', leg: 'downstream', side: 'client' });
    expect(error?.type === 'error' && error.message).toContain('distrust.localhost');
    const finding = analyzeSession({ header: { startedAt: 0 }, events }).findings.find(
      (f) => f.id === 'connect.failed',
    );
    expect(finding?.fix).toContain("trust the inspector's CA certificate in that client");
  });

  it('records a pass-through tunnel whose host cannot be reached, and answers 502', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const socket = net.connect({ host: '127.0.0.1', port: proxyPort });
    const log = new ByteLog();
    socket.on('data', (chunk: Buffer) => log.add(chunk));
    socket.write(`CONNECT localhost:${closed} HTTP/1.1\r\nHost: localhost:${closed}\r\n\r\n`);
    const answer = await readUntil(log, socket, (all) => all.includes('\r\n\r\n'));
    expect(answer.toString('latin1')).toMatch(/^HTTP\/1\.1 502 /);
    socket.destroy();

    const events = await endedConnection(harness, `localhost:${closed}`);
    expect(events.find((e) => e.type === 'error')).toMatchObject({
      code: 'ECONNREFUSED',
      leg: 'upstream',
      side: 'server',
    });
  });

  it('does not blame the client for a handshake the inspector cut by stopping the proxy', async () => {
    const info = await harness.inspector.startProxy({ mode: 'forward' });
    const socket = net.connect({ host: '127.0.0.1', port: Number(info.address.split(':').pop()) });
    socket.on('error', () => undefined);
    const log = new ByteLog();
    socket.on('data', (chunk: Buffer) => log.add(chunk));
    socket.write('CONNECT stopped.example.test:443 HTTP/1.1\r\nHost: stopped.example.test:443\r\n\r\n');
    await readUntil(log, socket, (all) => all.includes('\r\n\r\n'));
    // The first byte of a TLS handshake record: the proxy starts TLS and waits for the rest.
    socket.write(Buffer.from([0x16]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await harness.inspector.stopProxy({ id: info.id });
    await new Promise((resolve) => socket.once('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const recorded = (await harness.events()).filter(
      (e) => e.type === 'connection' && e.url.includes('stopped.example.test'),
    );
    expect(recorded).toEqual([]);
  });
});
