import { useInspector } from '../ui/store-context.js';

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
  const follow = useInspector((s) => s.follow);
  const setFollow = useInspector((s) => s.setFollow);

  return (
    <div className="traffic-toolbar">
      <input
        type="search"
        className="row-search"
        aria-label="Filter rows by payload text"
        data-testid="row-filter"
        placeholder="Filter payload…"
        spellCheck={false}
        value={textFilter}
        onChange={(e) => setTextFilter(e.target.value)}
      />
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
