// The inspector's reverse proxy in its own process, as the app runs it: inspector + proxy controller, full capture.
// argv: <buildDir> <targetUrl> <capture: full|cli|inline|none> [sessionFile]. Prints {"port": N}; on "stats" (stdin)
// prints capture counts. 'full': as the app runs it (every record kept in memory for the UI); 'cli': as `wsi proxy
// --out FILE` runs it (records streamed to the session file, none kept).
import { SessionCounter } from './lib.js';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [buildDir, target, captureMode = 'full', sessionFile] = process.argv.slice(2);
const load = (rel) => import(pathToFileURL(path.join(buildDir, rel)).href);

const { createInspector } = await load('main/core/inspector.js');
const { createProxyController } = await load('main/proxy/controller.js');
const { createShellProxyController } = await load('main/proxy/threaded-controller.js');
const { startReverseProxy } = await load('main/proxy/reverse-proxy.js');
const { noCapture } = await load('main/proxy/capture.js');
const { createCliInspector } = await load('main/cli/cli-inspector.js');

const counts = {
  events: 0,
  frames: 0,
  messages: 0,
  dropped: 0,
  droppedFrames: 0,
  droppedBytes: 0,
  errors: 0,
};
let port;
if (captureMode === 'none') {
  const proxy = await startReverseProxy({ target, capture: noCapture });
  port = proxy.port;
} else {
  // 'full' records in the capture worker (the default from a build); 'inline' records on the relay thread.
  // 'cli' mirrors `wsi proxy --out FILE -q`: frames go to the file only; the others are counted from the file.
  // As the shells build it: the relay in a thread of its own (unless inline or --on-overload drop).
  const controller = (captureMode === 'inline' ? createProxyController : createShellProxyController)({
    capture: captureMode === 'inline' ? 'inline' : 'auto',
    ...(captureMode === 'cli' ? { ring: { recordsToHost: 'lifecycle' } } : {}),
    ...(process.env.WSI_BENCH_ON_OVERLOAD === 'drop' ? { onOverload: 'drop' } : {}),
  });
  const inspector =
    captureMode === 'cli'
      ? createCliInspector(
          'proxy',
          { out: () => undefined, err: (line) => process.stderr.write(line + '\n') },
          sessionFile,
          {
            proxyController: controller,
          },
        )
      : createInspector({
          shell: 'cli',
          proxyController: controller,
          ...(sessionFile ? { sessionPath: sessionFile } : {}),
        });
  inspector.on('capture', ({ events }) => {
    counts.events += events.length;
    for (const event of events) {
      if (event.type === 'frame') counts.frames++;
      else if (event.type === 'message') counts.messages++;
      else if (event.type === 'dropped') {
        counts.dropped++;
        counts.droppedFrames += event.frames;
        counts.droppedBytes += event.bytes;
      } else if (event.type === 'error') {
        counts.errors++;
        if (event.code === 'CAPTURE_DROPPED' || event.code === 'CAPTURE_LOST') {
          const match = /(\d+) frames \((\d+) bytes/.exec(event.message);
          counts.dropped++;
          counts.droppedFrames += Number(match?.[1] ?? 0);
          counts.droppedBytes += Number(match?.[2] ?? 0);
        }
      }
    }
  });
  const info = await inspector.startProxy({ mode: 'reverse', target });
  port = Number(info.address.split(':').pop());
  // Deliver batches promptly (the log keeps everything in memory, as in the app).
  setInterval(() => inspector.flush(), 100).unref();
}
process.stdout.write(JSON.stringify({ port }) + '\n');
process.stdin.setEncoding('utf8');
process.stdin.on('data', (line) => {
  if (line.trim() !== 'stats') return;
  // The capture worker may still be recording what was relayed: wait until the counts settle (bounded).
  const deadline = Date.now() + 20_000;
  let last = -1;
  const poll = () => {
    if (counts.events === last || Date.now() > deadline) {
      const fromFile = captureMode === 'cli' && sessionFile ? countFrames(sessionFile) : {};
      process.stdout.write(
        JSON.stringify({ ...counts, ...fromFile, settledMs: 20_000 - (deadline - Date.now()) }) + '\n',
      );
      return;
    }
    last = counts.events;
    setTimeout(poll, 500);
  };
  poll();
});
process.stdin.on('end', () => process.exit(0));

/** Frame and message records in the session file (the CLI path sends frames to the file only). */
function countFrames(file) {
  const counter = new SessionCounter(file);
  counter.update();
  return { frames: counter.frames, messages: counter.messages };
}
