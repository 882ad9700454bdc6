// Reference path: the leanest relay Node's public API allows. Reads land in one reused buffer per socket (`onread`,
// no Readable stream, no allocation per read) and go straight to `write`. If this is no faster than the pipe relay,
// the cost of a Node hop is below the stream layer. argv: <target port>. Prints {"port": N}.
import net from 'node:net';

const target = Number(process.argv[2]);
const relayInto = (getDestination) => ({
  buffer: Buffer.alloc(64 * 1024),
  // The buffer is reused for the next read, so what is written must be a copy.
  callback: (length, buffer) => void getDestination().write(Buffer.from(buffer.subarray(0, length))),
});
const server = net.createServer({ noDelay: true, pauseOnConnect: true }, (accepted) => {
  // `onread` can only be given when a socket is created: the accepted socket is handed to a new one over its handle.
  let upstream;
  const client = new net.Socket({ handle: accepted._handle, onread: relayInto(() => upstream) });
  upstream = net.connect({ host: '127.0.0.1', port: target, noDelay: true, onread: relayInto(() => client) });
  upstream.once('connect', () => client.resume());
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
});
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'),
);
