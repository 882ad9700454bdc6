import { Fragment, useMemo } from 'react';
import { showInvisible, splitInvisible } from '../../../../shared/util/invisible-chars.js';
import './visible-text.css';

/** Beyond this many markers in one text (a binary payload read as text), the rest are plain ⟨NAME⟩ text: cheap. */
const MAX_MARKERS = 2000;

/**
 * Text from the network with its bidi controls, zero-width and other invisible characters drawn as named markers,
 * so `invoice_<RLO>fdp.exe` reads as written instead of as `invoice_exe.pdf`. `multiline` keeps newlines and tabs.
 */
export function VisibleText({ text, multiline = false }: { text: string; multiline?: boolean }) {
  const segments = useMemo(
    () => splitInvisible(text, multiline ? { newline: true, tab: true } : {}),
    [text, multiline],
  );
  if (segments.length === 1 && typeof segments[0] === 'string') return <>{segments[0]}</>;
  let markers = 0;
  return (
    <>
      {segments.map((segment, index) => {
        if (typeof segment === 'string') return <Fragment key={index}>{segment}</Fragment>;
        if (++markers > MAX_MARKERS) return <Fragment key={index}>{`⟨${segment.short}⟩`}</Fragment>;
        return (
          <span
            key={index}
            className="invisible-mark"
            data-testid="invisible-mark"
            data-char={segment.short}
            title={`${segment.long}: an invisible character, shown as a marker`}
          >
            {segment.short}
          </span>
        );
      })}
    </>
  );
}

/** For attributes (tooltips), where markup cannot go: markers as ⟨NAME⟩ text. */
export const visibleTitle = (text: string): string => showInvisible(text);
