import type { SearchMode } from '../../filters/search-pattern.js';

/** The `.*` button beside a search box: switches it between plain text and a (case-insensitive) regular expression. */
export function RegexToggle({
  mode,
  onChange,
  label,
  title,
  testId,
}: {
  mode: SearchMode;
  onChange: (mode: SearchMode) => void;
  label: string;
  title: string;
  testId: string;
}) {
  return (
    <button
      type="button"
      className="regex-toggle"
      aria-pressed={mode === 'regex'}
      aria-label={label}
      title={title}
      data-testid={testId}
      onClick={() => onChange(mode === 'regex' ? 'text' : 'regex')}
    >
      .*
    </button>
  );
}
