import { useInspector } from '../ui/store-context.js';

export function TrafficToolbar() {
  const mode = useInspector((s) => s.viewMode);
  const setMode = useInspector((s) => s.setViewMode);
  const showControl = useInspector((s) => s.showControl);
  const setShowControl = useInspector((s) => s.setShowControl);
  const absolute = useInspector((s) => s.absoluteTime);
  const setAbsolute = useInspector((s) => s.setAbsoluteTime);
  const follow = useInspector((s) => s.follow);
  const setFollow = useInspector((s) => s.setFollow);

  return (
    <div className="traffic-toolbar">
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
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid="show-control"
          checked={showControl}
          onChange={(e) => setShowControl(e.target.checked)}
        />
        Control frames
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
        {follow ? 'Following ⤓' : 'Follow ⤓'}
      </button>
    </div>
  );
}
