import { describe, expect, it } from 'vitest';
import { CloseSummary } from '../../../main/cli/close-summary.js';
import { applyEvent, emptyConnectionView } from '../../../renderer/src/store/connection-view.js';
import { describeClose } from '../../../renderer/src/ui/describe.js';
import { attributeClose } from '../../../shared/analysis/index.js';
import { summarizeConnection } from '../../../shared/analysis/summary.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { conn, STARTED_AT } from './builders.js';

/** The three views of one connection's close: `wsi analyze`, the UI's list/header, and `wsi connect`'s last line. */
function views(events: readonly CaptureEvent[]) {
  const view = emptyConnectionView('live', 'c1', 'live/c1', false);
  const cli = new CloseSummary();
  events.forEach((event, index) => {
    applyEvent(view, event, index);
    cli.observe(event);
  });
  const summary = summarizeConnection({ startedAt: STARTED_AT }, events);
  return {
    analysis: {
      initiator: summary.closeInitiator,
      kind: summary.closeKind,
      browser: summary.browserCloseCode,
    },
    ui: describeClose(view),
    uiInitiator: view.close?.initiator,
    cli: cli.describe(),
  };
}

describe('one close attribution for the analyzer, the UI and the CLI', () => {
  it('an error the client reported, then the server’s FIN: the server ended it, in every view', () => {
    const events = conn('c1')
      .handshake(0)
      .text(5, 's2c')
      .error(10, 'ECONNRESET', 'read ECONNRESET', 'client')
      .tcp(11, 'fin', 'server')
      .end(12).events;
    const seen = views(events);
    expect(seen.analysis).toEqual({ initiator: 'server', kind: 'tcp-fin', browser: 1006 });
    expect(seen.uiInitiator).toBe('server');
    expect(seen.ui).toBe('1006 Abnormal Closure · closed by server (TCP FIN without close frame)');
    expect(seen.cli).toBe('closed without a close frame (a browser reports 1006): TCP FIN sent by server');
  });

  it('a timeout before the TCP end is a timeout, named alike', () => {
    const events = conn('c1')
      .handshake(0)
      .error(10, 'ETIMEDOUT', 'read ETIMEDOUT', 'client')
      .tcp(11, 'rst', 'client')
      .end(12).events;
    const seen = views(events);
    expect(seen.analysis).toEqual({ initiator: 'client', kind: 'tcp-rst', browser: 1006 });
    expect(seen.ui).toBe('1006 Abnormal Closure · closed by client (TCP reset)');
    expect(seen.cli).toBe('closed without a close frame (a browser reports 1006): TCP RST sent by client');

    const timedOut = conn('c1')
      .handshake(0)
      .error(10, 'ETIMEDOUT', 'read ETIMEDOUT', 'client')
      .end(12).events;
    const timeout = views(timedOut);
    expect(timeout.analysis).toEqual({ initiator: 'client', kind: 'timeout', browser: 1006 });
    expect(timeout.ui).toBe('1006 Abnormal Closure · closed by client (timeout)');
    expect(timeout.cli).toBe(
      'closed without a close frame (a browser reports 1006): timeout on the client side: ETIMEDOUT read ETIMEDOUT',
    );
  });

  it('a fault the inspector injected before any other ending act: the inspector, in every view', () => {
    const events = conn('c1', 'proxy').handshake(0).events;
    events.push({ type: 'action', conn: 'c1', t: 5, action: 'fault', fault: { kind: 'fin', side: 'both' } });
    events.push(...conn('c1', 'proxy').tcp(6, 'fin', 'client').end(7).events);
    const seen = views(events);
    expect(seen.analysis.initiator).toBe('inspector');
    expect(seen.ui).toContain('closed by the inspector (fault injection: TCP FIN without a close frame');
    expect(seen.cli).toMatch(/^closed by the inspector \(fault injection: TCP FIN without a close frame/);
  });

  it('a close frame the server never answered, then the client’s FIN', () => {
    const events = conn('c1')
      .handshake(0)
      .close(10, 'c2s', 4000, 'bye')
      .tcp(20, 'fin', 'client')
      .end(21).events;
    const seen = views(events);
    // A browser only reports a code the server sent.
    expect(seen.analysis).toEqual({ initiator: 'client', kind: 'close-frame', browser: 1006 });
    expect(seen.ui).toBe('4000 Private use “bye” · closed by client (close frame, not answered)');
    expect(seen.cli).toBe('closed by client: 4000 (Private use) reason "bye"; no close frame in reply');
    expect(attributeClose(events).closingHandshakeComplete).toBe(false);
  });
});
