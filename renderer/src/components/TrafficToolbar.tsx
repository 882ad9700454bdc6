import { useEffect, useMemo, useRef } from 'react';
import type { RefObject } from 'react';
import { compileSearch } from '../filters/search-pattern.js';
import { parseDecodedQuery } from '../filters/decoded-query.js';
import { useInspector } from '../ui/store-context.js';
import { RegexToggle } from './filters/RegexToggle.js';

const isTypingTarget = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/** "/" anywhere outside a text field focuses the row search, as in many log viewers. */
function useSlashFocuses(input: RefObject<HTMLInputElement | null>): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTypingTarget(event.target)) return;
      event.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [input]);
}

export function TrafficToolbar() {
  const mode = useInspector((s) => s.viewMode);
  const setMode = useInspector((s) => s.setViewMode);
  const showControl = useInspector((s) => s.showControl);
  const setShowControl = useInspector((s) => s.setShowControl);
  const absolute = useInspector((s) => s.absoluteTime);
  const setAbsolute = useInspector((s) => s.setAbsoluteTime);
  const dirFilter = useInspector((s) => s.dirFilter);
  const setDirFilter = useInspector((s) => s.setDirFilter);
  const textFilter = useInspector((s) => s.textFilter);
  const setTextFilter = useInspector((s) => s.setTextFilter);
  const searchMode = useInspector((s) => s.searchMode);
  const setSearchMode = useInspector((s) => s.setSearchMode);
  const follow = useInspector((s) => s.follow);
  const setFollow = useInspector((s) => s.setFollow);
  const searchInput = useRef<HTMLInputElement>(null);
  useSlashFocuses(searchInput);
  const searchError = useMemo(() => {
    const query = parseDecodedQuery(textFilter.trim());
    if (query) return query.ok ? null : query.error;
    const compiled = compileSearch(textFilter.trim(), searchMode);
    return compiled.ok ? null : compiled.error;
  }, [textFilter, searchMode]);

  return (
    <div className="traffic-toolbar">
      <span className="row-search-group">
        <input
          ref={searchInput}
          type="search"
          className={searchError ? 'row-search invalid' : 'row-search'}
          aria-label={
            searchMode === 'regex' ? 'Filter rows by regular expression' : 'Filter rows by payload text'
          }
          aria-invalid={searchError !== null}
          aria-describedby={searchError ? 'row-search-error' : undefined}
          data-testid="row-filter"
          placeholder={searchMode === 'regex' ? 'Regex… (press /)' : 'Filter… or event = "name" (press /)'}
          title='Payload text, or decoded fields: event = "chat:message", topic ~ sensors/, kind = PUBLISH and id = 7'
          spellCheck={false}
          value={textFilter}
          onChange={(e) => setTextFilter(e.target.value)}
        />
        <RegexToggle
          mode={searchMode}
          onChange={setSearchMode}
          label="Regular expression"
          title="Treat the filter as a regular expression (case-insensitive)"
          testId="regex-toggle"
        />
        {searchError && (
          <span
            id="row-search-error"
            className="row-search-error"
            role="alert"
            data-testid="row-filter-error"
          >
            {searchError}
          </span>
        )}
      </span>
      <select
        aria-label="Direction"
        data-testid="dir-filter"
        value={dirFilter}
        onChange={(e) => setDirFilter(e.target.value as typeof dirFilter)}
      >
        <option value="both">↑↓</option>
        <option value="c2s">↑ only</option>
        <option value="s2c">↓ only</option>
      </select>
      <span className="segmented" role="group" aria-label="Rows">
        <button
          type="button"
          aria-pressed={mode === 'messages'}
          data-testid="mode-messages"
          onClick={() => setMode('messages')}
        >
          Messages
        </button>
        <button
          type="button"
          aria-pressed={mode === 'frames'}
          data-testid="mode-frames"
          onClick={() => setMode('frames')}
        >
          Frames
        </button>
      </span>
      <label className="checkbox" title="Show ping, pong and close frames">
        <input
          type="checkbox"
          data-testid="show-control"
          checked={showControl}
          onChange={(e) => setShowControl(e.target.checked)}
        />
        Control
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid="absolute-time"
          checked={absolute}
          onChange={(e) => setAbsolute(e.target.checked)}
        />
        Wall clock
      </label>
      <button
        type="button"
        data-testid="follow-toggle"
        aria-pressed={follow}
        title={follow ? 'Following new rows; scroll up to stop' : 'Jump to the newest row and follow'}
        onClick={() => setFollow(!follow)}
      >
        Follow ⤓
      </button>
    </div>
  );
}
