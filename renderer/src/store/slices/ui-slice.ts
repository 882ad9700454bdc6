import type { StateCreator } from 'zustand/vanilla';
import type { Direction } from '../../../../shared/model/wire.js';
import type { RowType } from '../../filters/row-types.js';
import { ROW_TYPES } from '../../filters/row-types.js';
import type { SearchMode } from '../../filters/search-pattern.js';
import type { DecoderChoiceId } from '../../../../shared/decoders/types.js';
import type { ConnKey } from '../keys.js';
import type { ViewMode } from '../rows.js';

export type ThemeChoice = 'system' | 'dark' | 'light';
export type DetailPanel = 'traffic' | 'handshake' | 'findings' | 'timeline';

export interface UiSlice {
  selected: ConnKey | null;
  /** Index in the selected connection's event log of the selected row. */
  selectedRow: number | null;
  viewMode: ViewMode;
  showControl: boolean;
  absoluteTime: boolean;
  dirFilter: 'both' | Direction;
  textFilter: string;
  searchMode: SearchMode;
  typeFilter: readonly RowType[];
  /** Decoded size bounds in bytes; null = unbounded. */
  sizeFilter: { min: number | null; max: number | null };
  follow: boolean;
  theme: ThemeChoice;
  panel: DetailPanel;
  /** The connection the selected one is compared with in the Handshake tab. */
  compareWith: ConnKey | null;
  /** Per connection: the protocol decoder the user chose (absent: chosen by subprotocol, URL or content). */
  decoderOverrides: Readonly<Record<ConnKey, DecoderChoiceId>>;
  /** A row to scroll to in its connection's table once that table has it (a session-wide search result). */
  reveal: { key: ConnKey; index: number; nonce: number } | null;
  /** Selects a connection; its table follows the tail unless `follow` is false (a file opened to be read from the top). */
  select: (key: ConnKey | null, follow?: boolean) => void;
  selectRow: (index: number | null) => void;
  /**
   * Shows row `index` of connection `key`: selects both, opens the Traffic tab, stops following and clears the row
   * filters that could hide it (the user jumps to a match to see it among its neighbours).
   */
  revealRow: (key: ConnKey, index: number) => void;
  clearReveal: () => void;
  setViewMode: (mode: ViewMode) => void;
  setShowControl: (show: boolean) => void;
  setAbsoluteTime: (absolute: boolean) => void;
  setDirFilter: (dir: 'both' | Direction) => void;
  setTextFilter: (text: string) => void;
  setSearchMode: (mode: SearchMode) => void;
  setTypeFilter: (types: readonly RowType[]) => void;
  setSizeFilter: (size: { min: number | null; max: number | null }) => void;
  setFollow: (follow: boolean) => void;
  setTheme: (theme: ThemeChoice) => void;
  setPanel: (panel: DetailPanel) => void;
  setCompareWith: (key: ConnKey | null) => void;
  setDecoderOverride: (key: ConnKey, choice: DecoderChoiceId | null) => void;
}

export const createUiSlice: StateCreator<UiSlice, [], [], UiSlice> = (set) => ({
  selected: null,
  selectedRow: null,
  viewMode: 'messages',
  showControl: true,
  absoluteTime: false,
  dirFilter: 'both',
  textFilter: '',
  searchMode: 'text',
  typeFilter: ROW_TYPES,
  sizeFilter: { min: null, max: null },
  follow: true,
  theme: 'system',
  panel: 'traffic',
  compareWith: null,
  decoderOverrides: {},
  reveal: null,
  select: (key, follow = true) => set({ selected: key, selectedRow: null, follow }),
  selectRow: (index) => set({ selectedRow: index }),
  revealRow: (key, index) =>
    set((s) => ({
      selected: key,
      selectedRow: index,
      follow: false,
      panel: 'traffic',
      textFilter: '',
      dirFilter: 'both',
      typeFilter: ROW_TYPES,
      sizeFilter: { min: null, max: null },
      reveal: { key, index, nonce: (s.reveal?.nonce ?? 0) + 1 },
    })),
  clearReveal: () => set({ reveal: null }),
  setViewMode: (viewMode) => set({ viewMode, selectedRow: null }),
  setShowControl: (showControl) => set({ showControl }),
  setAbsoluteTime: (absoluteTime) => set({ absoluteTime }),
  setDirFilter: (dirFilter) => set({ dirFilter }),
  setTextFilter: (textFilter) => set({ textFilter }),
  setSearchMode: (searchMode) => set({ searchMode }),
  setTypeFilter: (typeFilter) => set({ typeFilter }),
  setSizeFilter: (sizeFilter) => set({ sizeFilter }),
  setFollow: (follow) => set({ follow }),
  setTheme: (theme) => set({ theme }),
  setPanel: (panel) => set({ panel }),
  setCompareWith: (compareWith) => set({ compareWith }),
  setDecoderOverride: (key, choice) =>
    set((s) => {
      const decoderOverrides = { ...s.decoderOverrides };
      if (choice === null) delete decoderOverrides[key];
      else decoderOverrides[key] = choice;
      return { decoderOverrides };
    }),
});
