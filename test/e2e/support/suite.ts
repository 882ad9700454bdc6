import { test } from '@playwright/test';
import type { InspectorServer } from './inspector-server.js';
import { startInspectorServer } from './inspector-server.js';
import type { TestWsServer } from './ws-servers.js';
import { startEchoServer } from './ws-servers.js';

export interface InspectorAndEcho {
  inspector: InspectorServer;
  echo: TestWsServer;
}

/** For a spec file: the real inspector (serve.js) and a local echo server, started before its tests, stopped after. */
export function withInspectorAndEcho(): Readonly<InspectorAndEcho> {
  const servers = {} as InspectorAndEcho;
  test.beforeAll(async () => {
    servers.inspector = await startInspectorServer();
    servers.echo = await startEchoServer();
  });
  test.afterAll(async () => {
    await servers.inspector?.stop();
    await servers.echo?.close();
  });
  return servers;
}
