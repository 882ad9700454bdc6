import { describe, expect, it, vi } from 'vitest';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { createInspectorStore } from '../../../renderer/src/store/create-store.js';
import type { CoreLinkState } from '../../../renderer/src/api/bridge-transport.js';
import { describeClose } from '../../../renderer/src/ui/describe.js';
import { buildRules } from '../../../shared/redact/index.js';
import { parseSession } from '../../../shared/session/index.js';
import { closeFrame, createFakeApi, frame, handshake, message } from './fake-api.js';

/** A scheduler the test drives: flushes happen only when `run()` is called, like animation frames. */
function manualScheduler() {
  const queued: (() => void)[] = [];
  return {
    schedule: (fn: () => void) => void queued.push(fn),
    run: () => queued.splice(0).forEach((fn) => fn()),
    get pending() {
      return queued.length;
    },
  };
}

describe('createInspectorStore', () => {
  it('gives every test a fresh, empty store', async () => {
    const a = createInspectorStore(createFakeApi().api, { schedule: manualScheduler().schedule });
    const b = createInspectorStore(createFakeApi().api, { schedule: manualScheduler().schedule });
    await a.start();
    a.ingest.push('live', handshake('c1', 0));
    a.ingest.flush();
    expect(a.getState().connectionOrder).toEqual(['live/c1']);
    expect(b.getState().connectionOrder).toEqual([]);
  });

  it('loads the snapshot on start, then applies live batches once per scheduled flush', async () => {
    const fake = createFakeApi(handshake('c1', 0));
    const frames = manualScheduler();
    const store = createInspectorStore(fake.api, { schedule: frames.schedule });
    await store.start();
    const first = store.getState();
    expect(first.connections['live/c1']?.state).toBe('open');
    expect(first.selected).toBe('live/c1');
    expect(first.sources.live?.startedAt).toBe(1_700_000_000_000);

    fake.push([frame('c1', 10, 'c2s', 1, 'hello')]);
    fake.push([frame('c1', 11, 's2c', 1, 'hello')]);
    expect(frames.pending).toBe(1);
    expect(store.getState().revision).toBe(first.revision);

    frames.run();
    const after = store.getState();
    expect(after.revision).toBe(first.revision + 1);
    expect(after.revisions['live/c1']).toBe((first.revisions['live/c1'] ?? 0) + 1);
    expect(after.connections['live/c1']?.frames).toEqual({ c2s: 1, s2c: 1 });
    expect(store.hot.get('live/c1')?.events.length).toBe(6);
  });

  it('spends a bounded time per scheduled flush and applies the rest, in order, in the next ones', async () => {
    const fake = createFakeApi(handshake('c1', 0));
    const frames = manualScheduler();
    const store = createInspectorStore(fake.api, { schedule: frames.schedule });
    await store.start();
    const before = store.hot.get('live/c1')!.events.length;
    const flood = Array.from({ length: 2000 }, (_, i) => frame('c1', 10 + i, 'c2s', 1, `m${i}`));
    // In batches far smaller than the records a flush applies between looks at the clock, as the core sends them.
    for (let i = 0; i < flood.length; i += 40) fake.push(flood.slice(i, i + 40));
    // A clock where every reading is 10 ms later: a flush runs out of time after some hundreds of records.
    let now = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => (now += 10));
    try {
      frames.run();
      const firstFlush = store.hot.get('live/c1')!.events.length - before;
      expect(firstFlush).toBeGreaterThan(0);
      expect(firstFlush).toBeLessThan(2000);
      expect(frames.pending).toBe(1);
      let flushes = 1;
      while (frames.pending > 0 && flushes < 100) {
        frames.run();
        flushes++;
      }
      expect(flushes).toBeGreaterThan(1);
    } finally {
      clock.mockRestore();
    }
    const log = store.hot.get('live/c1')!;
    expect(log.events.length).toBe(before + 2000);
    const seqs = Array.from(log.events.range(before, log.events.length), (event) =>
      event.type === 'frame' ? event.frame.seq : -1,
    );
    expect(seqs).toEqual(flood.map((event) => (event.type === 'frame' ? event.frame.seq : -1)));
    expect(store.getState().connections['live/c1']?.frames).toEqual({ c2s: 2000, s2c: 0 });
  });

  it('keeps hot data out of React state: only revisions change for frames', async () => {
    const fake = createFakeApi(handshake('c1', 0));
    const store = createInspectorStore(fake.api, { schedule: manualScheduler().schedule });
    await store.start();
    store.ingest.push('live', [frame('c1', 5, 'c2s', 2, 'abc')]);
    store.ingest.flush();
    const state = store.getState() as unknown as Record<string, unknown>;
    expect(JSON.stringify(state)).not.toContain('YWJj'); // the payload's base64 is not in the store
  });

  it('derives connection state, counts and the close summary', async () => {
    const fake = createFakeApi();
    const store = createInspectorStore(fake.api, { schedule: manualScheduler().schedule });
    await store.start();
    const events: CaptureEvent[] = [
      ...handshake('c1', 100),
      frame('c1', 110, 'c2s', 1, 'hi'),
      message('c1', 110, 'c2s', 0, [], 'hi'),
      frame('c1', 111, 's2c', 1, 'hi'),
      closeFrame('c1', 120, 's2c', 4001, 'bye'),
    ];
    store.ingest.push('live', events);
    store.ingest.flush();
    let view = store.getState().connections['live/c1']!;
    expect(view.state).toBe('closing');
    expect(view.status).toBe(101);
    expect(view.httpVersion).toBe('1.1');
    expect(view.messages.c2s).toBe(1);
    expect(view.close).toMatchObject({
      firstClose: { code: 4001, reason: 'bye' },
      initiator: 'server',
      kind: 'close-frame',
      closingHandshakeComplete: false,
    });

    store.ingest.push('live', [
      closeFrame('c1', 121, 'c2s', 4001, 'bye'),
      { type: 'tcp', conn: 'c1', t: 122, leg: 'direct', kind: 'fin', side: 'server' },
      { type: 'end', conn: 'c1', t: 123 },
    ]);
    store.ingest.flush();
    view = store.getState().connections['live/c1']!;
    expect(view.state).toBe('closed');
    expect(view.close?.closingHandshakeComplete).toBe(true);
    expect(view.endT! - view.startT).toBe(23);
    expect(describeClose(view)).toBe('4001 Private use “bye” · closed by server (close frame, answered)');
  });

  it('marks refused handshakes and TCP drops', async () => {
    const store = createInspectorStore(createFakeApi().api, { schedule: manualScheduler().schedule });
    await store.start();
    const [connection, request, response] = handshake('c2', 0);
    if (response?.type !== 'http-response') throw new Error('fixture');
    response.head.status = 403;
    store.ingest.push('live', [connection!, request!, response, { type: 'end', conn: 'c2', t: 5 }]);
    store.ingest.push('live', [
      ...handshake('c3', 0),
      { type: 'tcp', conn: 'c3', t: 9, leg: 'direct', kind: 'rst', side: 'server' },
      { type: 'end', conn: 'c3', t: 10 },
    ]);
    store.ingest.flush();
    expect(store.getState().connections['live/c2']?.state).toBe('failed');
    const dropped = store.getState().connections['live/c3']!;
    expect(dropped.state).toBe('closed');
    expect(describeClose(dropped)).toBe('1006 Abnormal Closure · closed by server (TCP reset)');
  });

  it('de-duplicates live batches that raced with the snapshot', async () => {
    const fake = createFakeApi();
    const early = handshake('c1', 0);
    const racing = frame('c1', 10, 'c2s', 1, 'x');
    fake.setSnapshot([...early, racing]);
    const release = fake.holdSnapshot();
    const store = createInspectorStore(fake.api, { schedule: manualScheduler().schedule });
    const started = store.start();
    fake.push([racing, frame('c1', 11, 's2c', 1, 'x')]);
    release();
    await started;
    expect(store.getState().connections['live/c1']?.frames).toEqual({ c2s: 1, s2c: 1 });
  });

  it('builds row lists per filter, incrementally', async () => {
    const store = createInspectorStore(createFakeApi().api, { schedule: manualScheduler().schedule });
    await store.start();
    const text = frame('c1', 10, 'c2s', 1, 'a');
    store.ingest.push('live', [
      ...handshake('c1', 0),
      text,
      message('c1', 10, 'c2s', 0, [], 'a'),
      frame('c1', 12, 's2c', 9),
    ]);
    store.ingest.flush();
    const log = store.hot.get('live/c1')!;
    const rowsOf = (filter: Parameters<typeof store.rowIndex.rows>[2]) =>
      Array.from(store.rowIndex.rows('live/c1', log, filter));
    expect(rowsOf({ mode: 'frames', showControl: true })).toEqual([4, 6]);
    expect(rowsOf({ mode: 'frames', showControl: false })).toEqual([4]);
    expect(rowsOf({ mode: 'messages', showControl: true })).toEqual([5, 6]);
    const rows = store.rowIndex.rows('live/c1', log, { mode: 'messages', showControl: false });
    expect(Array.from(rows)).toEqual([5]);
    store.ingest.push('live', [message('c1', 20, 's2c', 1, [], 'b')]);
    store.ingest.flush();
    const later = store.rowIndex.rows('live/c1', log, { mode: 'messages', showControl: false });
    expect(Array.from(later)).toEqual([5, 7]);
    // Extended in place, not rebuilt: the earlier rows are the start of the same buffer.
    expect(later.buffer).toBe(rows.buffer);
  });

  it('filters rows by direction and by payload text (case-insensitive, close reasons included)', async () => {
    const store = createInspectorStore(createFakeApi().api, { schedule: manualScheduler().schedule });
    await store.start();
    store.ingest.push('live', [
      ...handshake('c1', 0),
      frame('c1', 10, 'c2s', 1, 'Subscribe BTC'),
      frame('c1', 11, 's2c', 1, 'ack subscribe'),
      frame('c1', 12, 's2c', 1, 'price 42'),
      closeFrame('c1', 13, 's2c', 4001, 'Subscription expired'),
    ]);
    store.ingest.flush();
    const log = store.hot.get('live/c1')!;
    const rows = (filter: Partial<Parameters<typeof store.rowIndex.rows>[2]>) =>
      Array.from(store.rowIndex.rows('live/c1', log, { mode: 'frames', showControl: true, ...filter }));
    expect(rows({ dir: 's2c' })).toEqual([5, 6, 7]);
    expect(rows({ text: 'subscri' })).toEqual([4, 5, 7]);
    expect(rows({ text: 'subscri', dir: 'c2s' })).toEqual([4]);
    expect(rows({ text: '4001' })).toEqual([7]);
    expect(rows({ text: 'nothing' })).toEqual([]);
  });

  it('sends commands with the connection id and reports failures as a notice', async () => {
    const fake = createFakeApi(handshake('c1', 0));
    const store = createInspectorStore(fake.api, { schedule: manualScheduler().schedule });
    await store.start();
    const state = store.getState();
    expect(await state.sendText('live/c1', 'hi')).toBe(true);
    expect(await state.closeConnection('live/c1', 4000, 'done')).toBe(true);
    expect(fake.calls).toEqual([
      { method: 'send', payload: { conn: 'c1', kind: 'text', data: 'hi' } },
      { method: 'close', payload: { conn: 'c1', code: 4000, reason: 'done' } },
    ]);
    expect(await state.sendText('live/nope', 'x')).toBe(false);
    expect(store.getState().notice?.text).toContain('Send failed');
  });

  it('opens an inspected browser window (desktop shell) and lists its forward proxy', async () => {
    const fake = createFakeApi();
    const store = createInspectorStore(fake.api, { schedule: manualScheduler().schedule, shell: 'electron' });
    await store.start();
    expect(store.getState().shell).toBe('electron');
    expect(await store.getState().openInspectedBrowser('https://example.test/')).toBe(true);
    expect(fake.calls).toContainEqual({
      method: 'openInspectedBrowser',
      payload: { url: 'https://example.test/' },
    });
    expect(store.getState().proxies.map((p) => p.address)).toEqual(['127.0.0.1:8080']);
    expect(store.getState().notice?.text).toContain('127.0.0.1:8080');
  });

  it('exports the live session as session-file text', async () => {
    const store = createInspectorStore(createFakeApi(handshake('c1', 0)).api, {
      schedule: manualScheduler().schedule,
    });
    await store.start();
    const file = await store.getState().exportLiveSession();
    const lines = file?.text.trim().split('\n') ?? [];
    expect(file?.name).toMatch(/^wsi-session-2023-11-14T22-13-20-000Z\.jsonl$/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'wsi-session', startedAt: 1_700_000_000_000 });
    expect(lines).toHaveLength(5);
  });

  it('saves the live session for sharing: redacted, as a session file or a HAR, with the counts', async () => {
    const events = [
      ...handshake('c1', 0, 'ws://127.0.0.1:1/?api_key=QSECRET'),
      message('c1', 3, 'c2s', 1, [1], '{"token":"JSECRET"}'),
    ];
    const store = createInspectorStore(createFakeApi(events).api, { schedule: manualScheduler().schedule });
    await store.start();
    const rules = buildRules({ defaults: true });
    const file = await store.getState().exportSession('live', 'session', rules);
    expect(file?.name).toMatch(/^wsi-shared-2023-11-14T22-13-20-000Z\.jsonl$/);
    const { session, problems } = parseSession(file!.data as string);
    expect(problems).toEqual([]);
    expect(session.events[0]).toMatchObject({ url: 'ws://127.0.0.1:1/?api_key=*******' });
    const sent = session.events.find((e) => e.type === 'message');
    expect(sent?.type === 'message' && atob(sent.message.data)).toBe('{"token":"*******"}');
    expect(file?.redaction?.rules).toContainEqual({ rule: 'json:token', replaced: 1 });
    const har = await store.getState().exportSession('live', 'har', rules);
    expect(har?.name).toMatch(/\.har$/);
    expect(har?.data).not.toMatch(/QSECRET|JSECRET/);
    expect(JSON.parse(har!.data as string)).toMatchObject({ log: { _wsiRedaction: file?.redaction } });
  });

  it('exports the live session as HAR or pcapng without redaction, secrets as recorded', async () => {
    const events = [
      ...handshake('c1', 0, 'ws://127.0.0.1:1/?api_key=QSECRET'),
      frame('c1', 3, 'c2s', 1, '{"token":"JSECRET"}'),
      message('c1', 3, 'c2s', 1, [1], '{"token":"JSECRET"}'),
    ];
    const store = createInspectorStore(createFakeApi(events).api, { schedule: manualScheduler().schedule });
    await store.start();
    const har = await store.getState().exportSession('live', 'har', null);
    expect(har).toMatchObject({ name: 'wsi-session-2023-11-14T22-13-20-000Z.har', redaction: null });
    expect(har?.data).toContain('QSECRET');
    expect(JSON.parse(har!.data as string)).toMatchObject({
      log: { entries: [{ request: { method: 'GET' } }] },
    });
    const pcap = await store.getState().exportSession('live', 'pcapng', null);
    expect(pcap?.name).toBe('wsi-session-2023-11-14T22-13-20-000Z.pcapng');
    const bytes = pcap!.data as Uint8Array;
    // A pcapng section header block, and the frame's payload in the file.
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x0a, 0x0d, 0x0d, 0x0a]);
    expect(new TextDecoder('latin1').decode(bytes)).toContain('{"token":"JSECRET"}');
    const masked = await store.getState().exportSession('live', 'pcapng', buildRules({ defaults: true }));
    expect(masked?.name).toMatch(/^wsi-shared-.*\.pcapng$/);
    expect(new TextDecoder('latin1').decode(masked!.data as Uint8Array)).not.toMatch(/QSECRET|JSECRET/);

    // An opened file exports the same way, from its own records, named after the file.
    expect(await store.getState().openSessionFile('recorded.wsi.jsonl', '...')).toBe(true);
    const fromFile = await store.getState().exportSession('file1', 'har', null);
    expect(fromFile?.name).toBe('recorded.wsi.har');
    expect(JSON.parse(fromFile!.data as string)).toMatchObject({
      log: { entries: [{ request: { url: 'ws://127.0.0.1:1/?api_key=QSECRET' } }] },
    });
  });

  it('shows an opened session file as its own read-only connections', async () => {
    const fake = createFakeApi([...handshake('c1', 0), frame('c1', 3, 's2c', 1, 'old')]);
    const store = createInspectorStore(fake.api, { schedule: manualScheduler().schedule });
    await store.start();
    expect(await store.getState().openSessionFile('old.wsi.jsonl', '...')).toBe(true);
    const state = store.getState();
    expect(state.connectionOrder).toEqual(['live/c1', 'file1/c1']);
    expect(state.selected).toBe('file1/c1');
    expect(state.connections['file1/c1']?.readOnly).toBe(true);
    expect(state.connections['live/c1']?.readOnly).toBe(false);
    expect(state.sources.file1).toMatchObject({ label: 'old.wsi.jsonl', readOnly: true, startedAt: 1 });
  });

  it('re-synchronises from a fresh snapshot after the link to the core comes back', async () => {
    const fake = createFakeApi(handshake('c1', 0));
    let linkState: CoreLinkState = 'connected';
    const linkListeners = new Set<(s: CoreLinkState) => void>();
    const setLink = (s: CoreLinkState) => {
      linkState = s;
      linkListeners.forEach((l) => l(s));
    };
    const link = {
      state: () => linkState,
      onState: (l: (s: CoreLinkState) => void) => (linkListeners.add(l), () => linkListeners.delete(l)),
    };
    const store = createInspectorStore(fake.api, { schedule: manualScheduler().schedule, link });
    await store.start();
    setLink('disconnected');
    expect(store.getState().link).toBe('disconnected');
    fake.setSnapshot([...handshake('c1', 0), frame('c1', 5, 's2c', 1, 'missed')]);
    setLink('connected');
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().link).toBe('connected');
    expect(store.getState().connections['live/c1']?.frames.s2c).toBe(1);
    expect(store.hot.get('live/c1')?.events.length).toBe(5);
  });
});
