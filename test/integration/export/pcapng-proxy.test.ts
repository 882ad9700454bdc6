/**
 * pcapng of a proxied session, read by the real tshark: every recorded frame is dissected (frames larger than the
 * 64 KiB payload preview too, as truncated packets with their real length), and the FIN and RST of both legs are there.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPcapng } from '../../../shared/export/index.js';
import type { CaptureEvent, FrameEvent } from '../../../shared/model/events.js';
import { createSessionHeader } from '../../../shared/session/index.js';
import { proxyHarness, type ProxyHarness } from '../../helpers/proxy-harness.js';
import { upgradeRequest } from '../../helpers/proxy-wire.js';
import {
  encodeFrame,
  startRawServer,
  switchingProtocols,
  type RunningRawServer,
} from '../../helpers/raw-servers.js';

const exec = promisify(execFile);
const TSHARK = ['/usr/bin/tshark', '/usr/local/bin/tshark'].find((path) => existsSync(path));
const BIG = 100_000;

const dir = mkdtempSync(join(tmpdir(), 'wsi-pcapng-proxy-'));
const pcapFile = join(dir, 'proxied.pcapng');
let server: RunningRawServer;
let harness: ProxyHarness;
let proxyPort = 0;
let events: CaptureEvent[] = [];
const connOf: Record<string, string> = {};

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw client through the proxy: upgrade, then whatever `act` does with the socket. */
async function rawClient(path: string, act: (socket: Socket) => Promise<void>): Promise<void> {
  const socket = connect(proxyPort, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let head = '';
  const upgraded = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      resolve();
    };
    socket.on('data', onData);
  });
  socket.write(upgradeRequest(path, `127.0.0.1:${proxyPort}`).head);
  await upgraded;
  socket.resume();
  await act(socket);
  await Promise.race([closed, wait(3000)]);
  socket.destroy();
}

beforeAll(async () => {
  server = await startRawServer((socket, upgrade) => {
    socket.write(switchingProtocols(upgrade));
    const path = /^GET (\S+)/.exec(upgrade.head)?.[1] ?? '';
    if (path === '/fin') {
      // A frame past the preview, then the server closes its side (FIN) once the client's big frame is in.
      socket.write(encodeFrame({ opcode: 1, payload: 's'.repeat(BIG) }));
      let got = 0;
      socket.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got >= BIG) socket.end();
      });
    } else if (path === '/server-rst') {
      socket.write(encodeFrame({ opcode: 1, payload: 'bye' }));
      setTimeout(() => socket.resetAndDestroy(), 100);
    }
  });
  harness = proxyHarness({ capture: 'inline' });
  const info = await harness.inspector.startProxy({ mode: 'reverse', target: server.url });
  proxyPort = Number(info.address.split(':').at(-1));

  const maskKey = Buffer.from([1, 2, 3, 4]);
  await rawClient('/fin', async (socket) => {
    socket.write(encodeFrame({ opcode: 1, payload: 'c'.repeat(BIG), maskKey }));
    await new Promise<void>((resolve) => socket.once('end', () => resolve()));
    await wait(50);
    socket.end();
  });
  await rawClient('/server-rst', () => Promise.resolve());
  await rawClient('/client-rst', async (socket) => {
    socket.write(encodeFrame({ opcode: 2, payload: Buffer.from([1, 2, 3]), maskKey }));
    await wait(150);
    socket.resetAndDestroy();
  });
  events = await harness.waitFor(
    (all) =>
      all.filter((e) => e.type === 'end').length >= 3 && all.filter((e) => e.type === 'frame').length >= 4,
    10_000,
  );
  for (const e of events) if (e.type === 'connection') connOf[new URL(e.url).pathname] = e.conn;
  writeFileSync(pcapFile, toPcapng({ header: createSessionHeader(Date.now(), 'test'), events }));
}, 30_000);

afterAll(async () => {
  await harness?.dispose();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const tcpEnds = (conn: string | undefined): string[] =>
  events
    .filter((e) => e.conn === conn && e.type === 'tcp' && e.kind !== 'connect')
    .map((e) => (e.type === 'tcp' ? `${e.leg} ${e.side} ${e.kind}` : ''));

describe('the proxied session itself', () => {
  it('recorded the FIN or RST of each leg, and the big frames cut at the preview', () => {
    expect(tcpEnds(connOf['/fin'])).toEqual(
      expect.arrayContaining(['upstream server fin', 'downstream client fin']),
    );
    expect(tcpEnds(connOf['/server-rst'])).toContain('upstream server rst');
    expect(tcpEnds(connOf['/client-rst'])).toContain('downstream client rst');
    const big = events.filter((e): e is FrameEvent => e.type === 'frame' && e.frame.payloadLength === BIG);
    expect(big.map((e) => e.frame.truncated)).toEqual([true, true]);
  });
});

describe.skipIf(!TSHARK)('pcapng of a proxied session read by real tshark', () => {
  const tshark = async (...args: string[]): Promise<string[]> => {
    const { stdout } = await exec(TSHARK!, ['-r', pcapFile, '-d', `tcp.port==${server.port},http`, ...args], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout.split('\n').filter((line) => line !== '');
  };

  it('dissects every recorded frame, the ones past the preview with their real length', async () => {
    const lines = await tshark(
      '-Y',
      'websocket',
      '-T',
      'fields',
      '-E',
      'occurrence=f',
      '-e',
      'websocket.opcode',
      '-e',
      'websocket.payload_length',
      '-e',
      'websocket.payload_length_ext_64',
      '-e',
      'frame.cap_len',
      '-e',
      'frame.len',
    );
    const frames = events.filter((e): e is FrameEvent => e.type === 'frame');
    expect(lines).toHaveLength(frames.length);
    const length = (f: string[]): number => Number(f[2] || f[1]);
    const seen = lines.map((l) => l.split('\t'));
    expect(seen.map((f) => `${f[0]}:${length(f)}`).sort()).toEqual(
      frames.map((e) => `${e.frame.opcode}:${e.frame.payloadLength}`).sort(),
    );
    // The big ones: a truncated packet (captured < original length), never a broken one.
    for (const f of seen.filter((f) => length(f) === BIG)) expect(Number(f[3])).toBeLessThan(Number(f[4]));
  });

  it('has the FIN and RST of both legs: the client’s and the server’s', async () => {
    const lines = await tshark(
      '-Y',
      'tcp.flags.fin == 1 || tcp.flags.reset == 1',
      '-T',
      'fields',
      '-e',
      'tcp.dstport',
      '-e',
      'tcp.srcport',
      '-e',
      'ip.src',
      '-e',
      'tcp.flags.fin',
      '-e',
      'tcp.flags.reset',
    );
    const rows = lines.map((l) => l.split('\t'));
    // Flows by their synthetic client port, in connection order: /fin, /server-rst, /client-rst.
    const by = (port: number): string[] =>
      rows
        .filter((f) => f[0] === String(port) || f[1] === String(port))
        .map((f) => `${f[2] === '10.0.0.1' ? 'client' : 'server'} ${f[3] === '1' ? 'fin' : 'rst'}`);
    expect(by(49152).sort()).toEqual(['client fin', 'server fin']);
    expect(by(49153)).toContain('server rst');
    expect(by(49154)).toContain('client rst');
  });
});
