import net from 'node:net';
import os from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { isLoopbackAddress } from '../../../main/proxy/proxy-listener.js';
import { proxyHarness, type ProxyHarness } from '../../helpers/proxy-harness.js';
import { startTappedWsServer, type TappedWsServer } from '../../helpers/proxy-wire.js';

let server: TappedWsServer;
let harness: ProxyHarness | undefined;
const trickling: net.Socket[] = [];

beforeAll(async () => {
  server = await startTappedWsServer((ws) => ws.on('message', (data) => ws.send(data)));
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  for (const socket of trickling.splice(0)) socket.destroy();
  await harness?.dispose();
  harness = undefined;
});

/** A slowloris client: one byte of a request head every `everyMs`, never the blank line. */
function trickle(port: number, everyMs: number, localAddress = '127.0.0.1'): net.Socket {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress });
  socket.on('error', () => undefined);
  const head = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(10_000));
  let at = 0;
  const timer = setInterval(() => {
    if (socket.destroyed) return clearInterval(timer);
    socket.write(head.subarray(at, at + 1));
    at++;
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
  trickling.push(socket);
  return socket;
}

/** Round trip of one message through a fresh WebSocket, or the error that stopped it. */
async function echoThrough(url: string, timeoutMs = 3_000): Promise<string> {
  const ws = new WebSocket(url);
  ws.on('error', () => undefined);
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no echo in time')), timeoutMs);
      ws.once('error', (error) => reject(error));
      ws.once('open', () => ws.send('legit'));
      ws.once('message', (data) => {
        clearTimeout(timer);
        resolve((data as Buffer).toString());
      });
    });
  } finally {
    ws.terminate();
  }
}

const closedWithin = (socket: net.Socket, ms: number): Promise<number | undefined> => {
  const started = performance.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    });
  });
};

describe('proxy listener limits', () => {
  it('slowloris clients filling the cap make room for a legitimate client; refusals are counted', async () => {
    harness = proxyHarness({ maxConnections: 6, headTimeoutMs: 20_000 });
    const info = await harness.inspector.startProxy({ mode: 'reverse', target: server.url });
    const port = Number(info.address.split(':').pop());
    const slow = Array.from({ length: 6 }, () => trickle(port, 100));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await echoThrough(`ws://127.0.0.1:${port}/legit`)).toBe('legit');
    // The oldest trickler was dropped for the newcomer.
    expect(slow[0]?.destroyed).toBe(true);
    const [proxy] = await harness.inspector.listProxies(undefined);
    expect(proxy?.refused).toEqual({ full: 0, stalled: 1, remote: 0 });
  });

  it('the head deadline counts from accept: bytes trickling in do not extend it', async () => {
    harness = proxyHarness({ headTimeoutMs: 600 });
    const info = await harness.inspector.startProxy({ mode: 'forward' });
    const port = Number(info.address.split(':').pop());
    const took = await closedWithin(trickle(port, 50), 3_000);
    expect(took).toBeDefined();
    expect(took).toBeLessThan(1_200);
    await expect
      .poll(async () => (await harness?.inspector.listProxies(undefined))?.[0]?.refused?.stalled)
      .toBe(1);
  });

  it('with every slot holding a relayed connection, a newcomer gets a 503 and is counted', async () => {
    harness = proxyHarness({ maxConnections: 1 });
    const info = await harness.inspector.startProxy({ mode: 'reverse', target: server.url });
    const port = Number(info.address.split(':').pop());
    const held = new WebSocket(`ws://127.0.0.1:${port}/held`);
    await new Promise((resolve) => held.once('open', resolve));
    await expect(echoThrough(`ws://127.0.0.1:${port}/second`)).rejects.toThrow(/503/);
    held.terminate();
    const [proxy] = await harness.inspector.listProxies(undefined);
    expect(proxy?.refused?.full).toBe(1);
  });
});

describe('forward proxy on a non-loopback address', () => {
  const outside = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

  it('the decision: loopback addresses only', () => {
    for (const a of ['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.5'])
      expect(isLoopbackAddress(a)).toBe(true);
    for (const a of ['192.0.2.2', '10.0.0.1', '::ffff:192.0.2.2', 'fd00::2', '', undefined])
      expect(isLoopbackAddress(a)).toBe(false);
  });

  it.skipIf(!outside)(
    'refuses clients outside loopback unless allowRemote; 127.0.0.2 gets through',
    async () => {
      harness = proxyHarness();
      const info = await harness.inspector.startProxy({ mode: 'forward', listenHost: '0.0.0.0' });
      const port = Number(info.address.split(':').pop());
      const through = (from: string): Promise<string> =>
        new Promise((resolve) => {
          const socket = net.connect({ host: from, port, localAddress: from });
          socket.on('error', (error) => resolve(`error ${error.message}`));
          socket.write(`GET ${server.url}/x HTTP/1.1\r\nHost: x\r\n\r\n`);
          let answer = '';
          socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
          socket.on('close', () => resolve(answer));
          setTimeout(() => socket.destroy(), 1_000);
        });
      expect(await through('127.0.0.2')).toMatch(/^HTTP\/1\.1 \d{3} /);
      expect(await through(outside ?? '')).toBe('');
      expect((await harness.inspector.listProxies(undefined))[0]?.refused?.remote).toBe(1);
      await harness.dispose();

      harness = proxyHarness();
      const open = await harness.inspector.startProxy({
        mode: 'forward',
        listenHost: '0.0.0.0',
        allowRemote: true,
      });
      expect(open.allowRemote).toBe(true);
      const openPort = Number(open.address.split(':').pop());
      const answer = await new Promise<string>((resolve) => {
        const socket = net.connect({ host: outside ?? '', port: openPort, localAddress: outside ?? '' });
        let text = '';
        socket.on('error', () => resolve(text));
        socket.write(`GET ${server.url}/x HTTP/1.1\r\nHost: x\r\n\r\n`);
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
        socket.on('close', () => resolve(text));
        setTimeout(() => socket.destroy(), 1_000);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 \d{3} /);
    },
  );
});
