import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RENDERER_CSP,
  RENDERER_SCHEME_PRIVILEGES,
  RENDERER_URL,
  serveRendererRequest,
} from '../../../main/electron/renderer-protocol.js';

let work: string;
let root: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wsi-renderer-'));
  root = join(work, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>WebSocket Inspector</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(work, 'secret.txt'), 'outside the renderer build');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => serveRendererRequest(root, new Request(url, { method }));

describe('wsi:// renderer protocol', () => {
  it('serves the renderer page with its CSP, type and nosniff', async () => {
    const response = await get(RENDERER_URL);
    expect(RENDERER_URL).toBe('wsi://app/index.html');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('WebSocket Inspector');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves assets with a JavaScript type (module scripts need one) and the root as index.html', async () => {
    const script = await get('wsi://app/assets/index-abc.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
    expect(await (await get('wsi://app/')).text()).toContain('WebSocket Inspector');
  });

  it('refuses paths that leave the renderer build, however they are spelled', async () => {
    // Encoded separators survive URL parsing and are refused after decoding.
    for (const path of ['/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%2fsecret.txt']) {
      const response = await get(`wsi://app${path}`);
      expect(response.status, path).toBe(400);
      expect(await response.text()).not.toContain('outside the renderer build');
    }
    // Dot segments, plain or encoded, are folded into the root by the URL parser: nothing outside is reached.
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt']) {
      expect((await get(`wsi://app${path}`)).status, path).toBe(404);
    }
    expect((await get('wsi://app/%00index.html')).status).toBe(400);
    expect((await get('wsi://app/%E0%A4%A')).status).toBe(400);
  });

  it('answers other hosts, missing files, directories and methods with errors', async () => {
    expect((await get('wsi://other/index.html')).status).toBe(404);
    expect((await get('wsi://app/missing.js')).status).toBe(404);
    expect((await get('wsi://app/assets')).status).toBe(404);
    const post = await get(RENDERER_URL, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    const head = await get(RENDERER_URL, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('has a CSP without inline or eval scripts, frames, forms, plugins or outside connections', () => {
    const directives = new Map(
      RENDERER_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')] as const),
    );
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('frame-src')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(RENDERER_CSP).not.toMatch(/unsafe-|\*|ws:|http/);
  });

  it('registers the scheme as a standard secure origin that other origins cannot read', () => {
    expect(RENDERER_SCHEME_PRIVILEGES).toMatchObject({
      standard: true,
      secure: true,
      corsEnabled: false,
      bypassCSP: false,
      allowServiceWorkers: false,
    });
  });
});
