import { describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { createSessionHeader, serializeSession } from '../../../shared/session/index.js';
import { createInspectorStore } from '../../../renderer/src/store/create-store.js';
import { createFakeApi, frame, handshake, message } from './fake-api.js';

const header = createSessionHeader(1_700_000_000_123, 'wsi test');

function textStream(pieces: string[]): ReadableStream<string> {
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
}

async function freshStore() {
  const fake = createFakeApi(handshake('c1', 0));
  const store = createInspectorStore(fake.api, { schedule: () => undefined });
  await store.start();
  return { store, fake };
}

const recorded: CaptureEvent[] = [
  ...handshake('c1', 0),
  frame('c1', 3, 's2c', 1, 'hello', { seq: 1 }),
  message('c1', 3, 's2c', 1, [1], 'hello'),
  ...handshake('c2', 10),
];

describe('openSessionStream', () => {
  it('reads a streamed file into read-only connections, like openSession, without calling the core', async () => {
    const { store, fake } = await freshStore();
    const text = serializeSession({ header, events: recorded });
    const progress: number[] = [];
    const loading: (boolean | undefined)[] = [];
    const outcome = await store.getState().openSessionStream('big.jsonl', textStream([...text]), {
      onProgress: ({ events }) => {
        progress.push(events);
        loading.push(store.getState().sources.file1?.loading);
      },
    });
    expect(outcome).toMatchObject({ status: 'done', events: recorded.length, problems: [] });
    const state = store.getState();
    expect(state.connectionOrder).toEqual(['live/c1', 'file1/c1', 'file1/c2']);
    expect(state.selected).toBe('file1/c1');
    expect(state.connections['file1/c1']?.readOnly).toBe(true);
    expect(state.sources.file1).toMatchObject({
      label: 'big.jsonl',
      readOnly: true,
      startedAt: header.startedAt,
    });
    expect(store.hot.get('file1/c1')?.events.length).toBe(recorded.filter((e) => e.conn === 'c1').length);
    expect(progress.at(-1)).toBe(recorded.length);
    // Loading while streaming (analysis waits), done at the end.
    expect(loading[0]).toBe(true);
    expect(state.sources.file1?.loading).toBe(false);
    expect(fake.calls.some((c) => c.method === 'openSession')).toBe(false);
  });

  it('shares one payload string between a single-frame message and its frame', async () => {
    const { store } = await freshStore();
    await store
      .getState()
      .openSessionStream('s.jsonl', textStream([serializeSession({ header, events: recorded })]));
    const events = [...(store.hot.get('file1/c1')?.events.range() ?? [])];
    const f = events.find((e) => e.type === 'frame');
    const m = events.find((e) => e.type === 'message');
    expect(f?.type === 'frame' && m?.type === 'message' && f.frame.data === m.message.data).toBe(true);
  });

  it('keeps the readable records of a damaged file and names the bad lines', async () => {
    const { store } = await freshStore();
    const lines = serializeSession({ header, events: recorded }).split('\n');
    lines.splice(2, 0, '{broken');
    const text = lines.join('\n').slice(0, -10);
    const outcome = await store.getState().openSessionStream('bad.jsonl', textStream([text]));
    expect(outcome.status).toBe('done');
    expect(outcome.problems.map((p) => p.line)).toEqual([3, lines.length - 1]);
    expect(store.getState().sources.file1?.problems).toEqual(outcome.problems);
    expect(store.getState().notice?.text).toMatch(/2 line\(s\) could not be read/);
    expect(store.getState().connections['file1/c1']).toBeDefined();
  });

  it('removes a cancelled file', async () => {
    const { store } = await freshStore();
    const abort = new AbortController();
    abort.abort();
    const text = serializeSession({ header, events: recorded });
    const outcome = await store.getState().openSessionStream('x.jsonl', textStream([text]), {
      signal: abort.signal,
    });
    expect(outcome.status).toBe('cancelled');
    expect(store.getState().sources.file1).toBeUndefined();
    expect(store.getState().connectionOrder).toEqual(['live/c1']);
  });
});
