// Bench server (own process): /echo echoes every message; /sink counts bytes received and reports progress.
// Prints its port on stdout as {"port": N}.
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
  maxPayload: 256 * 1024 * 1024,
});

wss.on('connection', (ws, request) => {
  ws.on('error', () => undefined);
  if (request.url?.startsWith('/sink')) {
    let bytes = 0;
    let first;
    let last;
    const report = () => ws.send(JSON.stringify({ bytes, first: first?.toString(), last: last?.toString() }));
    const timer = setInterval(report, 50);
    ws.on('message', (data, isBinary) => {
      if (!isBinary && data.length < 64 && data.toString() === 'report') return report();
      const now = process.hrtime.bigint();
      first ??= now;
      last = now;
      bytes += data.length;
    });
    ws.on('close', () => clearInterval(timer));
    return;
  }
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});

wss.on('listening', () => process.stdout.write(JSON.stringify({ port: wss.address().port }) + '\n'));
