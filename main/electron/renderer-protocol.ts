// The renderer is served from the app's own scheme (wsi://app/...), not file://: the page gets a real origin, a CSP
// header on every response, and no access to the file system beyond the renderer build. The handler is plain Node
// (fetch's Request and Response), so it is tested without Electron; main.ts hands it to protocol.handle.
import { readFile, stat } from 'node:fs/promises';
import { mimeTypeOf, rendererCsp, resolveStaticPath } from '../bridge/static-files.js';

export const RENDERER_SCHEME = 'wsi';
export const RENDERER_HOST = 'app';
export const RENDERER_ORIGIN = `${RENDERER_SCHEME}://${RENDERER_HOST}`;
export const RENDERER_URL = `${RENDERER_ORIGIN}/index.html`;

/**
 * Privileges for protocol.registerSchemesAsPrivileged: standard (an origin, relative URLs), secure (a secure
 * context). Not corsEnabled, so pages of other origins (the inspected browser window) cannot read it; no
 * bypassCSP, no service workers.
 */
export const RENDERER_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: false,
  bypassCSP: false,
  allowServiceWorkers: false,
  stream: false,
} as const;

/** The CSP of the Electron renderer: the bridge's policy without its WebSocket (IPC carries the contract here). */
export const RENDERER_CSP = rendererCsp();

const HEADERS = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Answers one wsi:// request with a file of the renderer build under `root`; refuses anything else. */
export async function serveRendererRequest(root: string, request: Request): Promise<Response> {
  const refuse = (status: number, text: string): Response =>
    new Response(text, { status, headers: { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return refuse(400, 'Bad Request');
  }
  if (url.protocol !== `${RENDERER_SCHEME}:` || url.host !== RENDERER_HOST) return refuse(404, 'Not Found');
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method Not Allowed');
  const file = resolveStaticPath(root, url.pathname);
  if (!file) return refuse(400, 'Bad Request');
  try {
    if (!(await stat(file)).isFile()) return refuse(404, 'Not Found');
    const body = await readFile(file);
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...HEADERS, 'Content-Type': mimeTypeOf(file), 'Cache-Control': 'no-store' },
    });
  } catch {
    return refuse(404, 'Not Found');
  }
}
