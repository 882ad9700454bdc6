// Exposes the API contract to the renderer: one function per method and `on` returning an unsubscribe function.
// ipcRenderer itself is never exposed.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { eventNames, isEventName, methodNames } from '../../shared/api/contract.js';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './channels.js';

const api: Record<string, unknown> = {};
for (const method of methodNames) {
  api[method] = (payload?: unknown) => ipcRenderer.invoke(INVOKE_CHANNEL, method, payload);
}
api.on = (event: unknown, listener: unknown) => {
  if (!isEventName(event) || typeof listener !== 'function')
    throw new TypeError(`unknown event ${String(event)}`);
  const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
    if (name === event) (listener as (p: unknown) => void)(payload);
  };
  ipcRenderer.on(EVENT_CHANNEL, handler);
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  };
};
api.events = [...eventNames];

contextBridge.exposeInMainWorld('inspector', api);
