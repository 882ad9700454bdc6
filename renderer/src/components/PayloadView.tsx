import { useMemo, useState } from 'react';
import { base64ToBytes, decodeUtf8, hexDump } from '../format/bytes.js';
import { clipForDisplay } from '../format/text.js';
import { CopyButton } from './CopyButton.js';
import { JsonTree } from './json-tree/JsonTree.js';
import './payload-view.css';
import { VisibleText } from './text/VisibleText.js';

type PayloadTab = 'text' | 'json' | 'hex' | 'base64';

const TAB_LABELS: Record<PayloadTab, string> = { text: 'Text', json: 'JSON', hex: 'Hex', base64: 'Base64' };

/** Parsed JSON when the text is an object or array, else undefined (scalars are not worth a tree). */
function parseJsonContainer(text: string): { value: unknown } | undefined {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

const plainHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

function ClippedNote({ clipped }: { clipped: number }) {
  if (clipped <= 0) return null;
  return <p className="payload-clipped">… {clipped} more characters not shown (use Copy for all of it)</p>;
}

/** A payload as text, a JSON tree (when it parses), hex and base64. Always text nodes, never HTML. */
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
    return { bytes, text, json: isText ? parseJsonContainer(text) : undefined };
  }, [base64, isText]);
  const preferred: PayloadTab = decoded.json ? 'json' : isText ? 'text' : 'hex';
  const [chosen, setChosen] = useState<PayloadTab | null>(null);
  const tab = chosen === 'json' && !decoded.json ? preferred : (chosen ?? preferred);
  const tabs: PayloadTab[] = decoded.json ? ['text', 'json', 'hex', 'base64'] : ['text', 'hex', 'base64'];
  const shown =
    tab === 'hex'
      ? { text: hexDump(decoded.bytes), clipped: 0 }
      : clipForDisplay(tab === 'base64' ? base64 : decoded.text);

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
            {TAB_LABELS[name]}
          </button>
        ))}
        <span className="payload-size">
          {size} bytes{truncated ? ` (first ${decoded.bytes.length} captured)` : ''}
        </span>
      </div>
      <div className="payload-copy" role="group" aria-label="Copy payload">
        {isText && <CopyButton label="text" testId="copy-text" text={() => decoded.text} />}
        {decoded.json && (
          <CopyButton
            label="JSON"
            testId="copy-json"
            text={() => JSON.stringify(decoded.json?.value, null, 2)}
          />
        )}
        <CopyButton label="hex" testId="copy-hex" text={() => plainHex(decoded.bytes)} />
        <CopyButton label="base64" testId="copy-base64" text={() => base64} />
      </div>
      {tab === 'json' && decoded.json ? (
        <JsonTree key={base64} value={decoded.json.value} />
      ) : (
        <>
          <pre className={`payload-body ${tab}`} data-testid="payload-body">
            {tab === 'text' ? <VisibleText text={shown.text} multiline /> : shown.text}
            {shown.text === '' && size === 0 ? '(empty)' : ''}
          </pre>
          <ClippedNote clipped={shown.clipped} />
        </>
      )}
    </section>
  );
}
