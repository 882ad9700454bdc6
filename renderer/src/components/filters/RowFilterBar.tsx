import { useState } from 'react';
import type { ReactNode } from 'react';
import { ROW_TYPE_LABELS, ROW_TYPES } from '../../filters/row-types.js';
import type { RowType } from '../../filters/row-types.js';
import { useInspector } from '../../ui/store-context.js';
import { PROTOCOL_IDS, PROTOCOL_NAMES, PROTOCOL_SHORT_NAMES } from '../../../../shared/decoders/types.js';
import type { DecoderChoiceId } from '../../../../shared/decoders/types.js';
import type { DecoderChoice } from '../../../../shared/decoders/select.js';
import type { ConnectionView } from '../../store/connection-view.js';
import './row-filter-bar.css';

function TypeChips() {
  const types = useInspector((s) => s.typeFilter);
  const setTypes = useInspector((s) => s.setTypeFilter);
  const toggle = (type: RowType) =>
    setTypes(
      types.includes(type)
        ? types.filter((t) => t !== type)
        : ROW_TYPES.filter((t) => t === type || types.includes(t)),
    );
  return (
    <span className="type-chips" role="group" aria-label="Row types">
      {ROW_TYPES.map((type) => (
        <button
          key={type}
          type="button"
          className="type-chip"
          aria-pressed={types.includes(type)}
          data-testid={`type-${type}`}
          title={`Show ${type} rows`}
          onClick={() => toggle(type)}
        >
          {ROW_TYPE_LABELS[type]}
        </button>
      ))}
    </span>
  );
}

/** Parses a byte count; empty means "no bound", anything else invalid is reported by the caller. */
export function parseByteBound(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isInteger(value) && value >= 0 ? value : undefined;
}

function SizeBound({ which }: { which: 'min' | 'max' }) {
  const size = useInspector((s) => s.sizeFilter);
  const setSize = useInspector((s) => s.setSizeFilter);
  const [draft, setDraft] = useState(size[which] === null ? '' : String(size[which]));
  const parsed = parseByteBound(draft);
  return (
    <input
      type="text"
      inputMode="numeric"
      className={parsed === undefined ? 'size-bound invalid' : 'size-bound'}
      aria-label={which === 'min' ? 'Minimum size in bytes' : 'Maximum size in bytes'}
      aria-invalid={parsed === undefined}
      data-testid={`size-${which}`}
      placeholder={which}
      value={draft}
      onChange={(e) => {
        setDraft(e.target.value);
        const value = parseByteBound(e.target.value);
        if (value !== undefined) setSize({ ...size, [which]: value });
      }}
    />
  );
}

const BASIS: Record<DecoderChoice['by'], string> = {
  subprotocol: 'by subprotocol',
  url: 'by URL',
  content: 'by content',
  override: 'chosen by you',
  none: '',
};

/** What the connection's messages are decoded as, how that was chosen, and the per-connection override. */
export function describeChoice(choice: DecoderChoice | undefined): string {
  if (!choice || choice.protocol === 'none')
    return choice?.by === 'override' ? 'decoding off' : 'no protocol recognised';
  return `${PROTOCOL_NAMES[choice.protocol]}, ${BASIS[choice.by]}${choice.by === 'override' ? '' : ` (${choice.evidence})`}`;
}

function DecoderPicker({ view, choice }: { view: ConnectionView; choice: DecoderChoice | undefined }) {
  const override = useInspector((s) => s.decoderOverrides[view.key]);
  const setOverride = useInspector((s) => s.setDecoderOverride);
  return (
    <span className="decoder-picker">
      <label>
        Decoder{' '}
        <select
          data-testid="decoder-select"
          value={override ?? 'auto'}
          onChange={(e) =>
            setOverride(view.key, e.target.value === 'auto' ? null : (e.target.value as DecoderChoiceId))
          }
        >
          <option value="auto">Auto</option>
          {PROTOCOL_IDS.map((id) => (
            <option key={id} value={id}>
              {PROTOCOL_SHORT_NAMES[id]}
            </option>
          ))}
          <option value="none">Off</option>
        </select>
      </label>
      <span className="decoder-basis" data-testid="decoder-basis">
        {describeChoice(choice)}
      </span>
    </span>
  );
}

/** Second row of row filters: types, decoded size and the protocol decoder. Direction and text live in the toolbar. */
export function RowFilterBar({
  view,
  choice,
  children,
}: {
  view: ConnectionView;
  choice: DecoderChoice | undefined;
  children?: ReactNode;
}) {
  return (
    <div className="row-filter-bar" data-testid="row-filter-bar">
      <TypeChips />
      <span className="size-bounds" role="group" aria-label="Decoded size in bytes">
        <span className="size-label">Size</span>
        <SizeBound which="min" />
        <span aria-hidden="true">–</span>
        <SizeBound which="max" />
        <span className="size-label">B</span>
      </span>
      <DecoderPicker view={view} choice={choice} />
      {children}
    </div>
  );
}
