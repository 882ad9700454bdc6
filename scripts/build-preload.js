// Bundles the Electron preload into one CommonJS file: a sandboxed preload cannot load ES modules or local files.
import { build } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: {
    outDir: 'build/main/electron',
    emptyOutDir: false,
    minify: false,
    sourcemap: true,
    lib: { entry: 'main/electron/preload.ts', formats: ['cjs'], fileName: () => 'preload.cjs' },
    rollupOptions: { external: ['electron'] },
  },
});
