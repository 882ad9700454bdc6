import { useMemo, useRef, useState } from 'react';
import { formatCount } from '../../format/text.js';
import type { ConnectionHits } from '../../filters/search-core.js';
import type { SearchMode } from '../../filters/search-pattern.js';
import type { ConnKey } from '../../store/keys.js';
import { rowModel } from '../../ui/row-model.js';
import { useFixedRowWindow } from '../../ui/fixed-row-window.js';
import { useInspector, useInspectorStore } from '../../ui/store-context.js';
import { useSessionSearch } from '../../ui/use-session-search.js';
import { VisibleText, visibleTitle } from '../text/VisibleText.js';
import './session-search.css';
import { RegexToggle } from '../filters/RegexToggle.js';

const ENTRY_HEIGHT = 24;

type Entry =
  | { kind: 'connection'; hits: ConnectionHits }
  | { kind: 'row'; key: ConnKey; index: number }
  | { kind: 'more'; key: ConnKey; more: number };

function flatten(groups: readonly ConnectionHits[]): Entry[] {
  const entries: Entry[] = [];
  for (const hits of groups) {
    entries.push({ kind: 'connection', hits });
    for (const index of hits.first) entries.push({ kind: 'row', key: hits.key, index });
    if (hits.count > hits.first.length)
      entries.push({ kind: 'more', key: hits.key, more: hits.count - hits.first.length });
  }
  return entries;
}

const plural = (n: number, one: string, many: string): string => `${formatCount(n)} ${n === 1 ? one : many}`;

function ConnectionLabel({ hits }: { hits: ConnectionHits }) {
  const view = useInspector((s) => s.connections[hits.key]);
  const source = useInspector((s) => (view ? s.sources[view.source] : undefined));
  const manySources = useInspector((s) => Object.keys(s.sources).length > 1);
  const url = view?.url || view?.conn || hits.key;
  return (
    <>
      <span className="session-search-url" title={visibleTitle(url)}>
        <VisibleText text={url} />
      </span>
      <span className="session-search-conn">
        {view?.conn}
        {manySources && source ? ` · ${source.label}` : ''}
      </span>
      <span className="session-search-count" data-testid="session-search-count">
        {formatCount(hits.count)}
      </span>
    </>
  );
}

function MatchRow({ connKey, index }: { connKey: ConnKey; index: number }) {
  const store = useInspectorStore();
  const log = store.hot.get(connKey);
  const model = log ? rowModel(log.at(index), log) : undefined;
  if (!model) return null;
  return (
    <>
      <span className="session-search-num">{model.kind === 'message' ? `m${model.id}` : `#${model.id}`}</span>
      <span className={`session-search-dir ${model.dir}`}>{model.dir === 'c2s' ? '↑' : '↓'}</span>
      <span className="session-search-preview">
        <VisibleText text={model.preview} />
      </span>
    </>
  );
}

/**
 * "Search all connections": one text or regex over every connection's payloads, run in the filter worker; results
 * grouped by connection (count and first matches). Clicking a match opens its connection at that row.
 */
export function SessionSearch() {
  const [text, setText] = useState('');
  const [mode, setMode] = useState<SearchMode>('text');
  const pattern = text.trim();
  const { hits, running, error, previewOnly } = useSessionSearch(pattern, mode);
  const revealRow = useInspector((s) => s.revealRow);
  const selected = useInspector((s) => s.selected);
  const selectedRow = useInspector((s) => s.selectedRow);
  const entries = useMemo(() => flatten(hits), [hits]);
  const total = useMemo(() => hits.reduce((sum, h) => sum + h.count, 0), [hits]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const rowWindow = useFixedRowWindow(scrollRef, entries.length, ENTRY_HEIGHT, 6);

  const status = error
    ? error
    : running
      ? `Searching… ${plural(total, 'match', 'matches')} in ${plural(hits.length, 'connection', 'connections')} so far`
      : total === 0
        ? 'No matches in any connection.'
        : `${plural(total, 'match', 'matches')} in ${plural(hits.length, 'connection', 'connections')}`;

  return (
    <div className={pattern ? 'session-search active' : 'session-search'} data-testid="session-search">
      <div className="session-search-box">
        <input
          type="search"
          placeholder="Search all connections"
          aria-label="Search all connections"
          aria-invalid={error !== null}
          data-testid="session-search-input"
          spellCheck={false}
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') setText('');
          }}
        />
        <RegexToggle
          mode={mode}
          onChange={setMode}
          label="Regular expression (search all connections)"
          title="Treat the search as a regular expression (case-insensitive)"
          testId="session-search-regex"
        />
      </div>
      {pattern && (
        <>
          <p
            className={error ? 'session-search-status invalid' : 'session-search-status'}
            role={error ? 'alert' : 'status'}
            aria-busy={running}
            data-testid="session-search-status"
          >
            {status}
            {!error && previewOnly > 0
              ? ` · ${plural(previewOnly, 'row', 'rows')} could only be searched in the recorded part of the payload.`
              : ''}
          </p>
          <div
            className="session-search-results"
            ref={scrollRef}
            role="list"
            aria-label="Search results by connection"
            data-testid="session-search-results"
          >
            <div style={{ height: rowWindow.totalHeight, position: 'relative' }}>
              {Array.from({ length: Math.max(0, rowWindow.last - rowWindow.first + 1) }, (_, i) => {
                const position = rowWindow.first + i;
                const entry = entries[position];
                if (!entry) return null;
                const style = { transform: `translateY(${position * ENTRY_HEIGHT}px)`, height: ENTRY_HEIGHT };
                const key = position % (rowWindow.last - rowWindow.first + 1);
                if (entry.kind === 'connection')
                  return (
                    <button
                      key={key}
                      type="button"
                      role="listitem"
                      className={`session-search-entry group${entry.hits.key === selected ? ' selected' : ''}`}
                      style={style}
                      data-testid="session-search-group"
                      data-conn={entry.hits.key}
                      title="Open this connection at its first match"
                      onClick={() => revealRow(entry.hits.key, entry.hits.first[0]!)}
                    >
                      <ConnectionLabel hits={entry.hits} />
                    </button>
                  );
                if (entry.kind === 'more')
                  return (
                    <span key={key} role="listitem" className="session-search-entry more" style={style}>
                      + {plural(entry.more, 'more match', 'more matches')}
                    </span>
                  );
                const current = entry.key === selected && entry.index === selectedRow;
                return (
                  <button
                    key={key}
                    type="button"
                    role="listitem"
                    className={`session-search-entry match${current ? ' selected' : ''}`}
                    style={style}
                    data-testid="session-search-match"
                    aria-current={current}
                    onClick={() => revealRow(entry.key, entry.index)}
                  >
                    <MatchRow connKey={entry.key} index={entry.index} />
                  </button>
                );
              })}
            </div>
          </div>
        </>
      )}
    </div>
  );
}
