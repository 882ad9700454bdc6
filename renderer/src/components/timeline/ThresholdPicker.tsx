import { CUSTOM_PRESET, IDLE_PRESETS } from '../../timeline/idle-presets.js';

export interface ThresholdChoice {
  preset: string;
  customSeconds: string;
}

export function thresholdMs(choice: ThresholdChoice): number {
  if (choice.preset === CUSTOM_PRESET) {
    const seconds = Number(choice.customSeconds);
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : Infinity;
  }
  return IDLE_PRESETS.find((p) => p.id === choice.preset)?.ms ?? Infinity;
}

/** Which idle timeout on the path to test the silences against. */
export function ThresholdPicker({
  choice,
  onChange,
}: {
  choice: ThresholdChoice;
  onChange: (choice: ThresholdChoice) => void;
}) {
  return (
    <span className="threshold-picker">
      <label>
        Idle timeout{' '}
        <select
          value={choice.preset}
          data-testid="threshold-preset"
          onChange={(e) => onChange({ ...choice, preset: e.target.value })}
        >
          {IDLE_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value={CUSTOM_PRESET}>Custom…</option>
        </select>
      </label>
      {choice.preset === CUSTOM_PRESET && (
        <label>
          <input
            type="number"
            min="0.1"
            step="any"
            className="threshold-custom"
            aria-label="Custom idle timeout in seconds"
            data-testid="threshold-custom"
            value={choice.customSeconds}
            onChange={(e) => onChange({ ...choice, customSeconds: e.target.value })}
          />{' '}
          s
        </label>
      )}
    </span>
  );
}
