/** Real library traffic through the inspector's reverse proxy, then the decoded view of the captured connection. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { analyzeProtocol } from '../../../shared/analysis/app-protocol.js';
import type { ProtocolAnalysis } from '../../../shared/analysis/app-protocol.js';
import { collectFacts } from '../../../shared/analysis/connection-facts.js';
import { analyzeSession } from '../../../shared/analysis/index.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import type { Finding } from '../../../shared/model/finding.js';
import { endedConnection, proxyHarness } from '../../helpers/proxy-harness.js';
import type { ProxyHarness } from '../../helpers/proxy-harness.js';

export interface Proxied {
  harness: ProxyHarness;
  /** host:port of the proxy, to point the client library at. */
  address: string;
  dispose(): Promise<void>;
}

export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A reverse proxy in front of `ws://127.0.0.1:port`. */
export async function proxyTo(port: number): Promise<Proxied> {
  const harness = proxyHarness();
  const info = await harness.inspector.startProxy({ mode: 'reverse', target: `ws://127.0.0.1:${port}` });
  const proxyPort = info.address.split(':').pop();
  return {
    harness,
    address: `127.0.0.1:${proxyPort}`,
    dispose: async () => {
      await harness.inspector.stopProxy({ id: info.id });
      await harness.dispose();
    },
  };
}

export interface Decoded {
  events: CaptureEvent[];
  analysis: ProtocolAnalysis;
  findings: Finding[];
}

/** Waits for the connection whose URL contains `urlPart` to end, then decodes it as the UI and `wsi analyze` do. */
export async function decodedConnection(proxied: Proxied, urlPart: string): Promise<Decoded> {
  const events = await endedConnection(proxied.harness, urlPart);
  const analysis = analyzeProtocol(collectFacts(events[0]!.conn, events));
  if (!analysis) throw new Error('no decoder chosen for the captured connection');
  const findings = analyzeSession({ header: { startedAt: 0 }, events }).findings;
  return { events, analysis, findings };
}

export const kinds = (analysis: ProtocolAnalysis, side?: 'client' | 'server'): string[] =>
  analysis.messages.filter((m) => !side || m.side === side).map((m) => m.decoded.kind);
