import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { ipcMain } from 'electron';
import type { InspectorService } from '../../shared/api/contract.js';
import { eventNames } from '../../shared/api/contract.js';
import { dispatch } from '../../shared/api/dispatch.js';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './channels.js';

/**
 * Wires the contract to IPC: requests only from our own window's top frame showing our own page are dispatched
 * (validated against the contract); every pushed event goes to that window.
 */
export function wireIpc(service: InspectorService, window: BrowserWindow, rendererUrl: string): () => void {
  const trusted = (event: IpcMainInvokeEvent) =>
    event.sender === window.webContents &&
    event.senderFrame !== null &&
    event.senderFrame.parent === null &&
    event.senderFrame.url.split('#')[0]?.split('?')[0] === rendererUrl;

  ipcMain.handle(INVOKE_CHANNEL, async (event, method: unknown, payload: unknown) => {
    if (!trusted(event)) throw new Error('request refused: not from the inspector window');
    return dispatch(service, method, payload);
  });

  const unsubscribers = eventNames.map((name) =>
    service.on(name, (payload) => {
      if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, name, payload);
    }),
  );

  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    for (const off of unsubscribers) off();
  };
}
