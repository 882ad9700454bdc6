import type { CoreLinkState } from '../../api/bridge-transport.js';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface LinkSlice {
  /** Which shell hosts this UI: some features need the desktop app. */
  shell: 'electron' | 'browser';
  link: CoreLinkState;
  /** Shown in the status bar; the latest command failure or information. */
  notice: Notice | null;
}

export const initialLinkSlice = (shell: LinkSlice['shell'] = 'browser'): LinkSlice => ({
  shell,
  link: 'connecting',
  notice: null,
});
