import { useState } from 'react';
import { copyToClipboard } from '../ui/clipboard.js';

/** Copies what `text()` returns (computed on click, so large payloads are not stringified up front). */
export function CopyButton({ label, text, testId }: { label: string; text: () => string; testId: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    setState((await copyToClipboard(text())) ? 'copied' : 'failed');
    setTimeout(() => setState('idle'), 1500);
  };
  return (
    <button
      type="button"
      className="copy-button"
      data-testid={testId}
      aria-label={`Copy ${label}`}
      onClick={() => void copy()}
    >
      {state === 'copied' ? 'Copied ✓' : state === 'failed' ? 'Copy failed' : `Copy ${label}`}
    </button>
  );
}
