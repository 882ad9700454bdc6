// What Electron accepts only before its ready event. Imported for its side effects by main.ts: an ES module entry's
// own top-level code may run after ready, its imports' side effects run before (Electron's ESM notes).
import { app, protocol } from 'electron';
import { RENDERER_SCHEME, RENDERER_SCHEME_PRIVILEGES } from './renderer-protocol.js';

app.enableSandbox();
// wsi:// gets an origin and a secure context (renderer-protocol.ts).
protocol.registerSchemesAsPrivileged([{ scheme: RENDERER_SCHEME, privileges: RENDERER_SCHEME_PRIVILEGES }]);
