import type { JsonCheck } from '../../ui/json-check.js';

/** Live verdict on the JSON being composed, with where it breaks. */
export function JsonStatus({ check, empty }: { check: JsonCheck; empty: boolean }) {
  if (empty) return null;
  if (check.ok) {
    return (
      <span className="json-status ok" data-testid="json-status">
        ✓ valid JSON
      </span>
    );
  }
  const where = check.line !== undefined ? ` (line ${check.line}, column ${check.column})` : '';
  return (
    <span className="json-status error" data-testid="json-status" role="status">
      ✗ {check.message}
      {where}
    </span>
  );
}
