import type { EventName, EventPayload, InspectorApi, MethodName, Unsubscribe } from './contract.js';
import { methodNames } from './contract.js';

/** The two primitives a shell provides; `createApi` turns them into the typed InspectorApi. */
export interface Transport {
  invoke(method: MethodName, payload: unknown): Promise<unknown>;
  subscribe(event: EventName, listener: (payload: unknown) => void): Unsubscribe;
}

export function createApi(transport: Transport): InspectorApi {
  const api: Record<string, unknown> = {};
  for (const name of methodNames) {
    api[name] = (payload?: unknown) => transport.invoke(name, payload);
  }
  api.on = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) =>
    transport.subscribe(event, listener as (payload: unknown) => void);
  return api as InspectorApi;
}

/** Messages of the browser bridge (JSON over a WebSocket on 127.0.0.1). */
export type BridgeRequest = { id: number; method: MethodName; payload?: unknown };
export type BridgeReply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
export type BridgePush = { event: EventName; payload: unknown };
