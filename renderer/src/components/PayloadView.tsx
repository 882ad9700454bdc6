import { useMemo, useState } from 'react';
import { base64ToBytes, decodeUtf8, hexDump } from '../format/bytes.js';
import { clipForDisplay, prettyJson } from '../format/text.js';

type PayloadTab = 'text' | 'json' | 'hex';

/** A payload as text, pretty JSON (when it parses) and hex. Always rendered as text nodes, never as HTML. */
export function PayloadView({
  base64,
  isText,
  truncated,
  size,
}: {
  base64: string;
  isText: boolean;
  truncated: boolean;
  size: number;
}) {
  const decoded = useMemo(() => {
    const bytes = base64ToBytes(base64);
    const text = decodeUtf8(bytes);
    return { bytes, text, json: isText ? prettyJson(text) : null };
  }, [base64, isText]);
  const preferred: PayloadTab = decoded.json ? 'json' : isText ? 'text' : 'hex';
  const [chosen, setChosen] = useState<PayloadTab | null>(null);
  const tab = chosen === 'json' && !decoded.json ? preferred : (chosen ?? preferred);
  const tabs: PayloadTab[] = decoded.json ? ['text', 'json', 'hex'] : ['text', 'hex'];
  const body =
    tab === 'hex'
      ? hexDump(decoded.bytes)
      : clipForDisplay(tab === 'json' ? (decoded.json ?? '') : decoded.text).text;

  return (
    <section className="payload" aria-label="Payload">
      <div className="payload-tabs" role="tablist">
        {tabs.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            data-testid={`payload-tab-${name}`}
            onClick={() => setChosen(name)}
          >
            {name === 'json' ? 'JSON' : name === 'hex' ? 'Hex' : 'Text'}
          </button>
        ))}
        <span className="payload-size">
          {size} bytes{truncated ? ` (first ${decoded.bytes.length} captured)` : ''}
        </span>
      </div>
      <pre className={`payload-body ${tab}`} data-testid="payload-body">
        {body || (size === 0 ? '(empty)' : '')}
      </pre>
    </section>
  );
}
