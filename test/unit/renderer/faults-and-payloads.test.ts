import { describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { applyEvent, emptyConnectionView } from '../../../renderer/src/store/connection-view.js';
import { describeClose } from '../../../renderer/src/ui/describe.js';
import {
  relayStatus,
  EMPTY_PROXY_FAULTS_FORM,
  parseLatencyMs,
  proxyFaultsFromForm,
  validateFaultCloseCode,
} from '../../../renderer/src/ui/fault-form.js';
import { pageBoundaries, payloadFileName, truncationNotice } from '../../../renderer/src/ui/full-payload.js';

describe('fault form parsing', () => {
  it('accepts sendable close codes only', () => {
    expect(validateFaultCloseCode('4001')).toEqual({ code: 4001 });
    expect(validateFaultCloseCode('1006')).toHaveProperty('error');
    expect(validateFaultCloseCode('2000')).toHaveProperty('error');
    expect(validateFaultCloseCode('')).toEqual({ error: 'Enter a close code.' });
  });

  it('parses latency in whole ms', () => {
    expect(parseLatencyMs(' 250 ')).toEqual({ ms: 250 });
    expect(parseLatencyMs('0')).toEqual({ ms: 0 });
    expect(parseLatencyMs('1.5')).toHaveProperty('error');
    expect(parseLatencyMs('600001')).toHaveProperty('error');
  });

  it('builds proxy faults from seconds and percentages, leaving empty fields out', () => {
    expect(proxyFaultsFromForm(EMPTY_PROXY_FAULTS_FORM)).toEqual({ faults: undefined });
    expect(
      proxyFaultsFromForm({
        ...EMPTY_PROXY_FAULTS_FORM,
        idleTimeoutSeconds: '2.5',
        idleDrop: 'rst',
        maxLifetimeSeconds: '10',
        rejectUpgradePercent: '50',
        rejectStatus: '502',
        dropAfterUpgradePercent: '10',
      }),
    ).toEqual({
      faults: {
        idleTimeoutMs: 2500,
        idleDrop: 'rst',
        maxLifetimeMs: 10_000,
        rejectUpgradePercent: 50,
        rejectStatus: 502,
        dropAfterUpgradePercent: 10,
      },
    });
  });

  it('names the first problem', () => {
    const form = EMPTY_PROXY_FAULTS_FORM;
    expect(proxyFaultsFromForm({ ...form, idleTimeoutSeconds: '0.01' })).toHaveProperty('error');
    expect(proxyFaultsFromForm({ ...form, rejectStatus: '503' })).toEqual({
      error: 'A reject status needs a reject upgrades percentage.',
    });
    expect(proxyFaultsFromForm({ ...form, rejectUpgradePercent: '101' })).toHaveProperty('error');
    expect(
      proxyFaultsFromForm({ ...form, rejectUpgradePercent: '60', dropAfterUpgradePercent: '50' }),
    ).toEqual({
      error: 'Reject upgrades + drop after upgrade must be at most 100 %.',
    });
  });
});

describe('message-level faults in the start form', () => {
  it('turns the fields into the API faults', () => {
    expect(
      proxyFaultsFromForm({
        ...EMPTY_PROXY_FAULTS_FORM,
        downgradeHttp10: true,
        suppressPongs: 's2c',
        dropMessages: 'c2s:contains:auth\n\n json:$.type=ping ',
        delayC2s: '100:10',
        bandwidthS2c: '64k',
        closeAfter: '5:4000:bye',
      }),
    ).toEqual({
      faults: {
        downgradeHttp10: true,
        suppressPongs: 's2c',
        dropMessages: [
          { direction: 'c2s', rule: { contains: 'auth' } },
          { direction: 'both', rule: { jsonPath: '$.type', equals: 'ping' } },
        ],
        delay: { c2s: { ms: 100, jitterMs: 10 } },
        bandwidth: { s2c: 65_536 },
        closeAfter: { messages: 5, code: 4000, reason: 'bye' },
      },
    });
  });

  it('names the field of the first problem', () => {
    const form = EMPTY_PROXY_FAULTS_FORM;
    expect(proxyFaultsFromForm({ ...form, dropMessages: 'regex:(' })).toEqual({
      error: expect.stringMatching(/^Drop messages "regex:\(": invalid regex/) as unknown,
    });
    expect(proxyFaultsFromForm({ ...form, delayS2c: 'x' })).toEqual({
      error: 'Delay ↓: MS must be a whole number, got "x"',
    });
    expect(proxyFaultsFromForm({ ...form, bandwidthC2s: '0' })).toHaveProperty('error');
    expect(proxyFaultsFromForm({ ...form, closeAfter: '3:1006' })).toEqual({
      error: 'Close after: 1006 is reserved and must not be sent in a close frame.',
    });
  });
});

describe('close summary of an injected fault', () => {
  const events: CaptureEvent[] = [
    { type: 'connection', conn: 'c1', t: 0, mode: 'proxy', url: 'ws://x/', at: 1 },
    { type: 'open', conn: 'c1', t: 1, extensions: [] },
    { type: 'action', conn: 'c1', t: 5, action: 'fault', fault: { kind: 'fin', side: 'both' } },
    { type: 'tcp', conn: 'c1', t: 6, kind: 'fin', side: 'client' },
    { type: 'end', conn: 'c1', t: 7 },
  ] as CaptureEvent[];

  it('names the inspector, not the first TCP side', () => {
    const view = emptyConnectionView('live', 'c1', 'live/c1', false);
    events.forEach((event, index) => applyEvent(view, event, index));
    expect(describeClose(view)).toBe(
      '1006 Abnormal Closure · closed by the inspector (fault injection: TCP FIN without a close frame to both sides)',
    );
  });

  it('ignores faults that only delay, and faults after the end', () => {
    const view = emptyConnectionView('live', 'c1', 'live/c1', false);
    const latency = { ...events[2], fault: { kind: 'latency', direction: 'both', ms: 100 } } as CaptureEvent;
    [events[0], events[1], latency, events[3], events[4]].forEach((event, index) =>
      applyEvent(view, event as CaptureEvent, index),
    );
    expect(describeClose(view)).toContain('closed by client');
    applyEvent(view, { ...events[2], t: 8 } as CaptureEvent, 5);
    expect(describeClose(view)).toContain('closed by client');
  });
});

describe('relay state from fault records', () => {
  const fault = (t: number, value: object): CaptureEvent =>
    ({ type: 'action', conn: 'c1', t, action: 'fault', fault: value }) as CaptureEvent;

  it('follows stall, resume and latency per direction; a timed stall ends by itself', () => {
    const view = emptyConnectionView('live', 'c1', 'live/c1', false);
    const apply = (event: CaptureEvent) => applyEvent(view, event, 0);
    apply(fault(1, { kind: 'stall', direction: 'both' }));
    expect(view.relay.c2s.stalled && view.relay.s2c.stalled).toBe(true);
    apply(fault(2, { kind: 'resume', direction: 's2c' }));
    expect([view.relay.c2s.stalled, view.relay.s2c.stalled]).toEqual([true, false]);
    apply(fault(3, { kind: 'latency', direction: 'c2s', ms: 250 }));
    expect([view.relay.c2s.latencyMs, view.relay.s2c.latencyMs]).toEqual([250, 0]);
    apply(fault(4, { kind: 'resume', direction: 'both' }));
    apply(fault(5, { kind: 'stall', direction: 'c2s', ms: 500 }));
    expect(view.relay.c2s.stalled).toBe(false);
  });

  it('words the relay state for the fault menu', () => {
    const relay = (c2s: [boolean, number], s2c: [boolean, number]) => ({
      relay: {
        c2s: { stalled: c2s[0], latencyMs: c2s[1] },
        s2c: { stalled: s2c[0], latencyMs: s2c[1] },
      },
    });
    expect(relayStatus(relay([false, 0], [false, 0]))).toBe('');
    expect(relayStatus(relay([true, 0], [true, 0]))).toBe('stalled ↑ ↓');
    expect(relayStatus(relay([false, 300], [false, 300]))).toBe('latency 300 ms ↑ ↓');
    expect(relayStatus(relay([false, 0], [true, 50]))).toBe('stalled ↓ · latency 50 ms ↓');
  });
});

describe('full payload helpers', () => {
  it('words the truncation', () => {
    expect(truncationNotice(64 * 1024, 2 * 1024 * 1024)).toBe('Showing the first 64.0 KiB of 2.0 MiB');
  });

  it('pages binary at fixed offsets and text at character starts', () => {
    const bytes = new Uint8Array(10).fill(0x61);
    expect(pageBoundaries(bytes, false, 4)).toEqual([0, 4, 8, 10]);
    expect(pageBoundaries(new Uint8Array(0), true, 4)).toEqual([0, 0]);
    // "aaa€b": the euro sign's three bytes (e2 82 ac) straddle offset 4.
    const text = new TextEncoder().encode('aaa€b');
    expect(pageBoundaries(text, true, 4)).toEqual([0, 3, 7]);
    expect(pageBoundaries(text, false, 4)).toEqual([0, 4, 7]);
  });

  it('names saved files after the connection and record', () => {
    expect(payloadFileName('c12', { kind: 'frame', seq: 48 }, false)).toBe('c12-frame-48.bin');
    expect(payloadFileName('a/b:c', { kind: 'message', id: 3 }, true)).toBe('a_b_c-message-3.txt');
  });
});
