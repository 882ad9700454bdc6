import { useEffect, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { formatCount } from '../format/text.js';
import { formatClock, formatIso, formatRelativeMs } from '../format/time.js';
import { formatSize } from '../format/bytes.js';
import { DETAIL_PANE_ID } from './DetailPane.js';
import type { ConnectionView } from '../store/connection-view.js';
import type { ConnectionLog } from '../store/hot-log.js';
import { rowModel } from '../ui/row-model.js';
import type { RowModel } from '../ui/row-model.js';
import { useInspector } from '../ui/store-context.js';
import { useRows } from '../ui/use-rows.js';
import { useFixedRowWindow } from '../ui/fixed-row-window.js';
import { RowFilterBar } from './filters/RowFilterBar.js';
import { positionOfRow } from '../filters/row-position.js';
import { parseGoTo, positionOf } from '../filters/go-to.js';
import type { Decoded } from '../../../shared/decoders/types.js';
import { decodedMessage, decoderChoiceOf } from '../store/decoder-choice.js';
import { VisibleText } from './text/VisibleText.js';

const ROW_HEIGHT = 24;
/** How long after a wheel, pointer, touch or key input a scroll counts as the user's. */
const USER_SCROLL_WINDOW_MS = 1000;

function Flag({ on, label, title }: { on: boolean; label: string; title: string }) {
  return (
    <span className={on ? 'flag on' : 'flag'} title={`${title}: ${on ? '1' : '0'}`}>
      {label}
    </span>
  );
}

function TimeCell({
  t,
  view,
  startedAt,
  absolute,
}: {
  t: number;
  view: ConnectionView;
  startedAt: number;
  absolute: boolean;
}) {
  const wall = startedAt + t;
  return (
    <span
      role="gridcell"
      className="cell time"
      title={`${formatIso(wall)} (${formatRelativeMs(t - view.startT)} ms)`}
    >
      {absolute ? formatClock(wall) : formatRelativeMs(t - view.startT)}
    </span>
  );
}

function DeltaCell({ ms }: { ms: number | null }) {
  return (
    <span role="gridcell" className="cell time delta" title="time since the previous row shown, ms">
      {ms === null ? '' : formatRelativeMs(ms)}
    </span>
  );
}

function Row({
  model,
  view,
  startedAt,
  absolute,
  deltaMs,
  decoded,
}: {
  model: RowModel;
  view: ConnectionView;
  startedAt: number;
  absolute: boolean;
  deltaMs: number | null;
  /** Present (possibly null: a frame row, or no decode) when the decoded columns are shown. */
  decoded?: Decoded | null;
}) {
  const up = model.dir === 'c2s';
  return (
    <>
      <span role="gridcell" className="cell num">
        {model.kind === 'message' ? `m${model.id}` : model.id}
      </span>
      <TimeCell t={model.t} view={view} startedAt={startedAt} absolute={absolute} />
      <DeltaCell ms={deltaMs} />
      <span
        role="gridcell"
        className={`cell dir ${up ? 'up' : 'down'}`}
        title={up ? 'client → server' : 'server → client'}
        aria-label={up ? 'client to server' : 'server to client'}
      >
        {up ? '↑' : '↓'}
      </span>
      <span role="gridcell" className={`cell opcode op-${model.opcode}`}>
        {model.opcodeLabel}
      </span>
      <span role="gridcell" className="cell flags">
        <Flag on={model.flags.fin} label="F" title="FIN" />
        <Flag on={model.flags.rsv1} label="1" title="RSV1" />
        <Flag on={model.flags.rsv2} label="2" title="RSV2" />
        <Flag on={model.flags.rsv3} label="3" title="RSV3" />
        <Flag on={model.flags.masked} label="M" title="MASK" />
      </span>
      <span role="gridcell" className="cell size" title={`${model.wireSize} bytes on the wire`}>
        {formatSize(model.wireSize)}
      </span>
      <span role="gridcell" className="cell size" title={`${model.size} bytes decoded`}>
        {formatSize(model.size)}
      </span>
      {decoded !== undefined && <DecodedCells decoded={decoded} />}
      <span role="gridcell" className="cell preview" data-testid="row-preview">
        {model.mark && (
          <span
            className={`inspector-mark mark-${model.mark.kind}`}
            title={model.mark.detail}
            data-testid="row-mark"
          >
            {model.mark.kind}
          </span>
        )}
        <VisibleText text={model.preview} />
      </span>
      <span role="gridcell" className="cell violation" title={model.violations.join(', ')}>
        {model.violations.length > 0 ? '⚠' : ''}
      </span>
    </>
  );
}

function DecodedCells({ decoded }: { decoded: Decoded | null }) {
  const bad = decoded?.kind === 'undecodable';
  const name = decoded ? (decoded.event ?? decoded.topic ?? '') : '';
  const title = decoded
    ? bad
      ? `undecodable: ${decoded.reason ?? ''}`
      : [decoded.event && `event ${decoded.event}`, decoded.topic && `topic ${decoded.topic}`]
          .filter(Boolean)
          .join(' · ')
    : '';
  return (
    <>
      <span
        role="gridcell"
        className={`cell decoded-kind${bad ? ' undecodable' : ''}${decoded?.problem ? ' has-problem' : ''}`}
        data-testid="row-kind"
        title={bad ? title : (decoded?.problem?.message ?? decoded?.kind)}
      >
        {decoded ? (bad ? '⚠ undecodable' : decoded.kind) : ''}
      </span>
      <span role="gridcell" className="cell decoded-name" data-testid="row-event" title={title}>
        {bad ? '' : name}
        {!bad && decoded?.event && decoded.topic ? (
          <span className="decoded-topic"> {decoded.topic}</span>
        ) : null}
      </span>
      <span role="gridcell" className="cell decoded-id" data-testid="row-decoded-id">
        {decoded?.id ?? ''}
      </span>
    </>
  );
}

/** "Go to" a frame number or a time; selects and scrolls to the row. */
function GoToBox({ onGo }: { onGo: (text: string) => string | null }) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [found, setFound] = useState<number | null>(null);
  return (
    <span className="goto-box">
      <input
        type="text"
        className={problem ? 'goto-input invalid' : 'goto-input'}
        data-testid="goto-input"
        data-found-row={found ?? undefined}
        aria-label="Go to frame number or time"
        aria-invalid={problem !== null}
        placeholder="Go to # or +time"
        title="A frame number (1234) or a time since the connection started (+250ms, 1.5s, 2m); Enter"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setProblem(null);
        }}
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          const result = onGo(text);
          setProblem(result && !/^\d+$/.test(result) ? result : null);
          setFound(result && /^\d+$/.test(result) ? Number(result) : null);
        }}
      />
      {problem && (
        <span className="goto-problem" role="alert" data-testid="goto-problem">
          {problem}
        </span>
      )}
    </span>
  );
}

const slots = (first: number, last: number): number[] =>
  Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);

export function FramesTable({ view, log }: { view: ConnectionView; log: ConnectionLog | undefined }) {
  const { rows, count, pending, previewOnly } = useRows(view.key);
  const startedAt = useInspector((s) => s.sources[view.source]?.startedAt ?? 0);
  const absolute = useInspector((s) => s.absoluteTime);
  const follow = useInspector((s) => s.follow);
  const setFollow = useInspector((s) => s.setFollow);
  const selectedRow = useInspector((s) => s.selectedRow);
  const selectRow = useInspector((s) => s.selectRow);
  const mode = useInspector((s) => s.viewMode);
  const filtered = useInspector((s) => s.dirFilter !== 'both' || s.textFilter.trim() !== '');
  const override = useInspector((s) => s.decoderOverrides[view.key]);
  const choice = log ? decoderChoiceOf(log, view, override) : undefined;
  const showDecoded = mode === 'messages' && choice !== undefined && choice.protocol !== 'none';
  const scrollRef = useRef<HTMLDivElement>(null);

  // Each row is ~20 DOM nodes; a small overscan keeps a fast scroll within one frame's budget.
  const rowWindow = useFixedRowWindow(scrollRef, count, ROW_HEIGHT, 4, follow);
  const { scrollToIndex } = rowWindow;

  // Only scrolls the user makes change following: the table's own scrolls to the tail (many per second during live
  // ingest) arrive as scroll events too, and would otherwise undo a click on "Following".
  const lastUserInput = useRef(Number.NEGATIVE_INFINITY);
  const markUserInput = () => {
    lastUserInput.current = performance.now();
  };

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el || performance.now() - lastUserInput.current > USER_SCROLL_WINDOW_MS) return;
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT * 1.5;
    if (atBottom !== follow) setFollow(atBottom);
  };

  // A session-wide search result: scroll to its row once this table has it (a large file may still be filtering).
  const reveal = useInspector((s) => s.reveal);
  const clearReveal = useInspector((s) => s.clearReveal);
  useEffect(() => {
    if (!reveal || reveal.key !== view.key) return;
    const position = positionOfRow(rows, reveal.index);
    if (position < 0) return;
    scrollToIndex(position);
    clearReveal();
  }, [reveal, view.key, rows, scrollToIndex, clearReveal]);

  const selectPosition = (position: number) => {
    const index = rows[position];
    if (index === undefined) return;
    selectRow(index);
    scrollToIndex(position);
  };

  /** Returns the 1-based row found (as text), or what was wrong. */
  const goTo = (text: string): string | null => {
    const target = parseGoTo(text);
    if (!target) return 'Type a frame number (1234) or a time (+250ms, 1.5s).';
    if (!log) return null;
    const position = positionOf(target, rows, log, view.startT);
    if (position < 0)
      return target.kind === 'frame'
        ? `No frame ${target.seq} in this table.`
        : 'No row at or after that time.';
    setFollow(false);
    selectPosition(position);
    return String(position + 1);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const position = selectedRow === null ? -1 : positionOfRow(rows, selectedRow);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      if (step < 0 && follow) setFollow(false);
      selectPosition(Math.max(0, Math.min(count - 1, position + step)));
    } else if (event.key === 'End') {
      event.preventDefault();
      selectPosition(count - 1);
      setFollow(true);
    } else if (event.key === 'Home') {
      event.preventDefault();
      setFollow(false);
      selectPosition(0);
    } else if (event.key === 'Enter' && position >= 0) {
      event.preventDefault();
      document.getElementById(DETAIL_PANE_ID)?.focus();
    }
  };

  return (
    <div
      className={`frames-table with-delta${showDecoded ? ' with-decoded' : ''}`}
      role="grid"
      aria-label={mode === 'frames' ? 'Frames' : 'Messages'}
      aria-rowcount={count}
      aria-busy={pending}
    >
      <RowFilterBar view={view} choice={choice}>
        <GoToBox onGo={goTo} />
      </RowFilterBar>
      {filtered && (pending || previewOnly > 0) && (
        <p className="filter-status" role="status" data-testid="filter-status">
          {pending ? 'Filtering… ' : ''}
          {previewOnly > 0
            ? `${formatCount(previewOnly)} ${previewOnly === 1 ? 'row' : 'rows'} could only be searched in the part of the payload that was recorded.`
            : ''}
        </p>
      )}
      <div className="frames-header" role="row">
        <span role="columnheader" className="cell num" title="frame sequence number; m + id for messages">
          #
        </span>
        <span role="columnheader" className="cell time">
          {absolute ? 'Time' : 'Time (ms)'}
        </span>
        <span role="columnheader" className="cell time" title="time since the previous row shown, ms">
          Δ ms
        </span>
        <span role="columnheader" className="cell dir" title="direction">
          Dir
        </span>
        <span role="columnheader" className="cell opcode">
          Opcode
        </span>
        <span role="columnheader" className="cell flags" title="FIN RSV1 RSV2 RSV3 MASK">
          Flags
        </span>
        <span role="columnheader" className="cell size">
          Wire
        </span>
        <span role="columnheader" className="cell size">
          Decoded
        </span>
        {showDecoded && (
          <>
            <span role="columnheader" className="cell decoded-kind" title="decoded packet / message type">
              Kind
            </span>
            <span
              role="columnheader"
              className="cell decoded-name"
              title="event, method or operation; topic or destination"
            >
              Event / topic
            </span>
            <span
              role="columnheader"
              className="cell decoded-id"
              title="ack, request, subscription or packet id"
            >
              Id
            </span>
          </>
        )}
        <span role="columnheader" className="cell preview">
          Preview
        </span>
        <span role="columnheader" className="cell violation" title="protocol violations">
          ⚠
        </span>
      </div>
      <div
        className="frames-scroll"
        ref={scrollRef}
        onScroll={onScroll}
        onWheel={markUserInput}
        onPointerDown={markUserInput}
        onTouchMove={markUserInput}
        tabIndex={0}
        onKeyDown={(event) => {
          markUserInput();
          onKeyDown(event);
        }}
        data-testid="frames-scroll"
      >
        {count === 0 ? (
          <p className="table-empty">
            {filtered
              ? pending
                ? `Filtering ${mode}…`
                : `No ${mode} match the filter.${previewOnly > 0 ? ` ${formatCount(previewOnly)} could only be searched in their recorded preview.` : ''}`
              : view.readOnly
                ? `No ${mode} in this connection.`
                : view.state === 'open'
                  ? `No ${mode} yet. Use the composer below to send one.`
                  : `No ${mode}.`}
          </p>
        ) : (
          <div style={{ height: rowWindow.totalHeight, position: 'relative' }}>
            {log &&
              slots(rowWindow.first, rowWindow.last).map((position) => {
                const index = rows[position]!;
                const model = rowModel(log.at(index), log);
                if (!model) return null;
                const selected = index === selectedRow;
                const previous = position > 0 ? log.at(rows[position - 1]!) : undefined;
                const deltaMs = previous ? model.t - previous.t : null;
                // Decoded lazily, for the rows on screen only; memoised per record.
                const event = log.at(index);
                const decoded = !showDecoded
                  ? undefined
                  : event?.type === 'message' && choice
                    ? (decodedMessage(log, event.message, choice) ?? null)
                    : null;
                return (
                  <div
                    // Keyed by slot, not by row: a scroll then updates the same DOM rows instead of replacing them all.
                    key={position % (rowWindow.last - rowWindow.first + 1)}
                    role="row"
                    aria-rowindex={position + 1}
                    aria-selected={selected}
                    data-testid="frame-row"
                    data-dir={model.dir}
                    data-opcode={model.opcode}
                    className={`frame-row ${model.dir}${selected ? ' selected' : ''}${model.violations.length ? ' has-violation' : ''}`}
                    style={{ transform: `translateY(${position * ROW_HEIGHT}px)`, height: ROW_HEIGHT }}
                    onClick={() => selectRow(index)}
                  >
                    <Row
                      model={model}
                      view={view}
                      startedAt={startedAt}
                      absolute={absolute}
                      deltaMs={deltaMs}
                      decoded={decoded}
                    />
                  </div>
                );
              })}
          </div>
        )}
      </div>
    </div>
  );
}
