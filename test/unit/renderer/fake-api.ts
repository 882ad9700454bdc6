import type { EventName, InspectorApi, MethodName, SessionSnapshot } from '../../../shared/api/contract.js';
import { createApi } from '../../../shared/api/transport.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import type { FrameRecord } from '../../../shared/model/frame.js';
import type { Direction } from '../../../shared/model/wire.js';

export const HEADER = {
  format: 'wsi-session',
  version: 1,
  startedAt: 1_700_000_000_000,
  producer: 'test',
} as const;

/**
 * An InspectorApi whose pushes and snapshot the test controls, recording the calls made to it. Built with `createApi`
 * over a fake transport, so methods added to the contract later need no change here.
 */
export function createFakeApi(initial: CaptureEvent[] = []) {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const calls: { method: string; payload: unknown }[] = [];
  let snapshotEvents = initial;
  let snapshotGate: Promise<void> = Promise.resolve();
  const handlers: Partial<Record<MethodName, (payload: unknown) => Promise<unknown>>> = {
    getInfo: () => Promise.resolve({ shell: 'browser', version: 'test', session: HEADER }),
    connect: (payload) => {
      calls.push({ method: 'connect', payload });
      return Promise.resolve({ conn: 'c9' });
    },
    snapshot: async (): Promise<SessionSnapshot> => {
      const events = [...snapshotEvents];
      await snapshotGate;
      return { header: HEADER, events, problems: [] };
    },
    openSession: (payload) => {
      calls.push({ method: 'openSession', payload });
      return Promise.resolve({ header: { ...HEADER, startedAt: 1 }, events: initial, problems: [] });
    },
    startProxy: () => Promise.reject(new Error('no proxy')),
    listProxies: () => Promise.resolve([]),
    listHeld: () => Promise.resolve([]),
    getBreakpoints: () => Promise.resolve({ rules: [] }),
    openInspectedBrowser: (payload) => {
      calls.push({ method: 'openInspectedBrowser', payload });
      return Promise.resolve({
        proxy: { id: 'p1', mode: 'forward', address: '127.0.0.1:8080', active: true, connections: 0 },
      });
    },
  };
  const api: InspectorApi = createApi({
    invoke: (method, payload) => {
      const handler = handlers[method];
      if (handler) return handler(payload);
      calls.push({ method, payload });
      return Promise.resolve(undefined);
    },
    subscribe: (event, listener) => {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  });
  return {
    api,
    calls,
    push(events: CaptureEvent[]) {
      for (const listener of listeners.get('capture') ?? []) listener({ events });
    },
    /** Pushes any other event the core sends. */
    emit(event: EventName, payload: unknown) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    setSnapshot(events: CaptureEvent[]) {
      snapshotEvents = events;
    },
    /** Hold the snapshot reply until the returned function is called. */
    holdSnapshot(): () => void {
      let release = () => {};
      snapshotGate = new Promise((resolve) => (release = resolve));
      return () => release();
    },
  };
}

let seq = 0;
export function frame(
  conn: string,
  t: number,
  dir: Direction,
  opcode: number,
  text = '',
  extra: Partial<FrameRecord> = {},
): CaptureEvent {
  const data = Buffer.from(text).toString('base64');
  return {
    type: 'frame',
    conn,
    t,
    frame: {
      seq: seq++,
      dir,
      offset: 0,
      fin: true,
      rsv1: false,
      rsv2: false,
      rsv3: false,
      opcode,
      masked: dir === 'c2s',
      lengthEncoding: 7,
      headerLength: dir === 'c2s' ? 6 : 2,
      payloadLength: Buffer.byteLength(text),
      data,
      truncated: false,
      ...extra,
    },
  };
}

export function handshake(conn: string, t0: number, url = 'ws://127.0.0.1:1/'): CaptureEvent[] {
  return [
    { type: 'connection', conn, t: t0, mode: 'client', url, at: HEADER.startedAt + t0 },
    {
      type: 'http-request',
      conn,
      t: t0 + 1,
      leg: 'direct',
      head: {
        method: 'GET',
        target: '/',
        httpVersion: '1.1',
        headers: [{ name: 'Host', value: 'x' }],
        raw: '',
      },
    },
    {
      type: 'http-response',
      conn,
      t: t0 + 2,
      leg: 'direct',
      head: { httpVersion: '1.1', status: 101, statusText: 'Switching Protocols', headers: [], raw: '' },
      accept: 'ok',
      timing: { tcpConnectMs: 0.5, headersCompleteMs: 2 },
    },
    { type: 'open', conn, t: t0 + 2, protocol: '', extensions: [] },
  ];
}

export function closeFrame(conn: string, t: number, dir: Direction, code: number, reason = ''): CaptureEvent {
  const event = frame(conn, t, dir, 8, `xx${reason}`);
  if (event.type === 'frame') {
    event.frame.close = { code, reason };
    event.frame.payloadLength = 2 + Buffer.byteLength(reason);
  }
  return event;
}

export function message(
  conn: string,
  t: number,
  dir: Direction,
  id: number,
  frames: number[],
  text: string,
): CaptureEvent {
  const size = Buffer.byteLength(text);
  return {
    type: 'message',
    conn,
    t,
    message: {
      id,
      dir,
      opcode: 1,
      frames,
      wireSize: size,
      size,
      compressed: false,
      data: Buffer.from(text).toString('base64'),
      truncated: false,
      utf8Valid: true,
    },
  };
}
