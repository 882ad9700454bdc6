import type { CoreLinkState } from '../../api/bridge-transport.js';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface LinkSlice {
  link: CoreLinkState;
  /** Shown in the status bar; the latest command failure or information. */
  notice: Notice | null;
}

export const initialLinkSlice = (): LinkSlice => ({ link: 'connecting', notice: null });
