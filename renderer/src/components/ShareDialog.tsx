import { useId, useRef, useState } from 'react';
import { formatCount } from '../format/text.js';
import type { RedactionSummary } from '../../../shared/model/session.js';
import {
  buildRules,
  checkUserRules,
  DEFAULT_HEADERS,
  DEFAULT_JSON_FIELDS,
  DEFAULT_QUERY_WORDS,
} from '../../../shared/redact/index.js';
import type { ExportFormat } from '../store/slices/command-slice.js';
import { useShallow } from 'zustand/react/shallow';
import { LIVE_SOURCE } from '../store/keys.js';
import type { SourceId } from '../store/keys.js';
import { useInspector } from '../ui/store-context.js';
import { downloadBytes } from './payload/download.js';
import type { ExportProgress } from '../store/export-job.js';
import './share-dialog.css';

type RuleKind = 'header' | 'json' | 'regex';
interface UserRule {
  kind: RuleKind;
  value: string;
}

const KIND_LABEL: Record<RuleKind, string> = { header: 'Header', json: 'JSON field', regex: 'Regex' };
const PLACEHOLDER: Record<RuleKind, string> = {
  header: 'e.g. X-Api-Key',
  json: 'e.g. pin or $.user.pin',
  regex: 'e.g. \\d{4}-\\d{4}-\\d{4}-\\d{4}',
};

const FORMATS: { format: ExportFormat; label: string }[] = [
  { format: 'session', label: 'Session file (.jsonl)' },
  { format: 'har', label: 'HAR (.har) — browsers’ DevTools' },
  { format: 'pcapng', label: 'pcapng (.pcapng) — Wireshark, tshark' },
];

const userRules = (rules: readonly UserRule[]) => ({
  headers: rules.filter((r) => r.kind === 'header').map((r) => r.value),
  jsonFields: rules.filter((r) => r.kind === 'json').map((r) => r.value),
  regexes: rules.filter((r) => r.kind === 'regex').map((r) => r.value),
});

function DefaultRules() {
  return (
    <dl className="share-defaults" data-testid="share-default-rules">
      <dt>Headers</dt>
      <dd>{DEFAULT_HEADERS.join(', ')}</dd>
      <dt>Query parameters named like</dt>
      <dd>{DEFAULT_QUERY_WORDS.join(', ')}</dd>
      <dt>JSON fields</dt>
      <dd>{DEFAULT_JSON_FIELDS.join(', ')}</dd>
    </dl>
  );
}

function Result({ name, redaction }: { name: string; redaction: RedactionSummary | null }) {
  if (!redaction)
    return (
      <div className="share-result" data-testid="share-result" role="status">
        <p>
          Saved <b>{name}</b>, as recorded (nothing masked).
        </p>
      </div>
    );
  const total = redaction.rules.reduce((sum, r) => sum + r.replaced, 0);
  return (
    <div className="share-result" data-testid="share-result" role="status">
      <p>
        Saved <b>{name}</b>: {total} value{total === 1 ? '' : 's'} replaced.
      </p>
      <ul>
        {redaction.rules
          .filter((r) => r.replaced > 0)
          .map((r) => (
            <li key={r.rule}>
              <code>{r.rule}</code> replaced {r.replaced}
            </li>
          ))}
      </ul>
    </div>
  );
}

const PHASE_LABEL: Record<ExportProgress['phase'], string> = {
  collecting: 'Gathering records',
  writing: 'Writing records',
  building: 'Building the file',
};

/** Records gathered or written of the total while an export runs, with Cancel. */
function ExportProgressBar({
  progress,
  onCancel,
  prefix,
}: {
  progress: ExportProgress;
  onCancel: () => void;
  prefix: string;
}) {
  const { phase, done, total } = progress;
  const counted = phase !== 'building';
  return (
    <p className="share-progress" role="status" data-testid={`${prefix}-progress`} data-phase={phase}>
      <span>{PHASE_LABEL[phase]}</span>
      {counted ? (
        <progress max={total || 1} value={done} aria-label="Records exported" />
      ) : (
        <progress aria-label="Building the file" />
      )}
      <span data-testid={`${prefix}-progress-text`}>
        {counted ? `${formatCount(done)} / ${formatCount(total)} records` : `${formatCount(total)} records`}
      </span>
      <button type="button" data-testid={`${prefix}-cancel`} onClick={onCancel}>
        Cancel export
      </button>
    </p>
  );
}

/**
 * "Save for sharing…": the live session (or an opened file) with secrets masked (same rules as `wsi export --redact`); "Export…": the same
 * dialog with masking optional. Either saves a session file, a HAR or a pcapng. The default rules are listed; header,
 * JSON-field and regex rules can be added.
 */
export function ShareDialog({ mode = 'share' }: { mode?: 'share' | 'export' }) {
  const exportSession = useInspector((s) => s.exportSession);
  const ids = useId();
  const prefix = mode === 'share' ? 'share' : 'export';
  // What can be exported: the live session once it has a connection, and every opened file read completely.
  const sources = useInspector(
    useShallow((s) =>
      Object.values(s.sources)
        .filter((info) =>
          info.id === LIVE_SOURCE
            ? s.connectionOrder.some((key) => key.startsWith(`${LIVE_SOURCE}/`))
            : !info.loading,
        )
        .map((info) => `${info.id}\n${info.label}`),
    ),
  );
  const [source, setSource] = useState<SourceId>(LIVE_SOURCE);
  const choices = sources.map((entry) => {
    const [id = '', label = ''] = entry.split('\n');
    return { id, label: id === LIVE_SOURCE ? 'The live session' : label };
  });
  const chosenSource = choices.some((c) => c.id === source) ? source : (choices[0]?.id ?? LIVE_SOURCE);
  const dialog = useRef<HTMLDialogElement>(null);
  const [defaults, setDefaults] = useState(true);
  const [rules, setRules] = useState<UserRule[]>([]);
  const [kind, setKind] = useState<RuleKind>('header');
  const [value, setValue] = useState('');
  const [format, setFormat] = useState<ExportFormat>(mode === 'share' ? 'session' : 'har');
  const [masking, setMasking] = useState(mode === 'share');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const running = useRef<AbortController | null>(null);
  const [result, setResult] = useState<{ name: string; redaction: RedactionSummary | null } | null>(null);

  const add = () => {
    const rule = { kind, value: value.trim() };
    const error = checkUserRules({ defaults, ...userRules([rule]) });
    if (rule.value === '') return setProblem(`Type a ${KIND_LABEL[kind].toLowerCase()} to add.`);
    if (error) return setProblem(error);
    if (!rules.some((r) => r.kind === rule.kind && r.value === rule.value)) setRules([...rules, rule]);
    setValue('');
    setProblem(null);
  };

  const save = async () => {
    const chosen = { defaults, ...userRules(rules) };
    if (masking && !defaults && rules.length === 0)
      return setProblem('Choose the default rules or add a rule of your own.');
    setProblem(null);
    setBusy(true);
    const controller = new AbortController();
    running.current = controller;
    const file = await exportSession(chosenSource, format, masking ? buildRules(chosen) : null, {
      onProgress: setProgress,
      signal: controller.signal,
    });
    running.current = null;
    setBusy(false);
    setProgress(null);
    if (controller.signal.aborted) return setProblem('Export cancelled: nothing was saved.');
    if (!file) return;
    const bytes = typeof file.data === 'string' ? new TextEncoder().encode(file.data) : file.data;
    downloadBytes(file.name, bytes, file.type);
    setResult({ name: file.name, redaction: file.redaction });
  };

  const open = () => {
    setResult(null);
    setProblem(null);
    dialog.current?.showModal();
  };

  return (
    <>
      <button
        type="button"
        data-testid={mode === 'share' ? 'save-for-sharing' : 'export-open'}
        disabled={choices.length === 0}
        title={
          mode === 'share'
            ? undefined
            : 'Export the live session as HAR, pcapng or a session file, secrets masked or not'
        }
        onClick={open}
      >
        {mode === 'share' ? 'Save for sharing…' : 'Export…'}
      </button>
      <dialog
        ref={dialog}
        className="share-dialog"
        aria-labelledby={`${ids}-title`}
        data-testid={`${prefix}-dialog`}
      >
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <h2 id={`${ids}-title`}>{mode === 'share' ? 'Save for sharing' : 'Export'}</h2>
          <p className="share-intro">
            {mode === 'export' && 'A session, for other tools (as wsi export writes it). '}
            Masked secrets are replaced by masks of the same length in URLs, headers and text payloads, so
            sizes, frames and findings stay as recorded. The file lists the rules applied and how many values
            each replaced.
          </p>
          {choices.length > 1 && (
            <label className="share-source">
              Export{' '}
              <select
                data-testid={`${prefix}-source`}
                value={chosenSource}
                onChange={(e) => setSource(e.target.value)}
              >
                {choices.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
          )}
          {mode === 'export' && (
            <label className="share-masking">
              <input
                type="checkbox"
                checked={masking}
                data-testid="export-redact"
                onChange={(e) => setMasking(e.target.checked)}
              />{' '}
              Mask secrets (the rules of Save for sharing)
            </label>
          )}
          {masking && (
            <>
              <fieldset>
                <legend>
                  <label>
                    <input
                      type="checkbox"
                      checked={defaults}
                      data-testid="share-defaults"
                      onChange={(e) => setDefaults(e.target.checked)}
                    />{' '}
                    Default rules
                  </label>
                </legend>
                <DefaultRules />
              </fieldset>
              <fieldset>
                <legend>Your rules</legend>
                <div className="share-add">
                  <select
                    aria-label="Rule kind"
                    data-testid="share-rule-kind"
                    value={kind}
                    onChange={(e) => setKind(e.target.value as RuleKind)}
                  >
                    {(Object.keys(KIND_LABEL) as RuleKind[]).map((k) => (
                      <option key={k} value={k}>
                        {KIND_LABEL[k]}
                      </option>
                    ))}
                  </select>
                  <input
                    type="text"
                    aria-label="Rule"
                    data-testid="share-rule-value"
                    placeholder={PLACEHOLDER[kind]}
                    value={value}
                    onChange={(e) => setValue(e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') {
                        e.preventDefault();
                        add();
                      }
                    }}
                  />
                  <button type="button" data-testid="share-rule-add" onClick={add}>
                    Add
                  </button>
                </div>
                {rules.length === 0 ? (
                  <p className="share-none">None yet.</p>
                ) : (
                  <ul className="share-rules" data-testid="share-rules">
                    {rules.map((r, i) => (
                      <li key={`${r.kind}:${r.value}`}>
                        <span className="share-rule-kind">{KIND_LABEL[r.kind]}</span> <code>{r.value}</code>
                        <button
                          type="button"
                          className="share-rule-remove"
                          aria-label={`Remove ${KIND_LABEL[r.kind]} rule ${r.value}`}
                          onClick={() => setRules(rules.filter((_, j) => j !== i))}
                        >
                          ×
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </fieldset>
            </>
          )}
          <fieldset className="share-format">
            <legend>Save as</legend>
            {FORMATS.map((f) => (
              <label key={f.format}>
                <input
                  type="radio"
                  name={`${ids}-format`}
                  data-testid={`${prefix}-format-${f.format}`}
                  checked={format === f.format}
                  onChange={() => setFormat(f.format)}
                />{' '}
                {f.label}
              </label>
            ))}
          </fieldset>
          {problem && (
            <p className="share-problem" role="alert" data-testid={`${prefix}-problem`}>
              {problem}
            </p>
          )}
          {busy && progress && (
            <ExportProgressBar
              progress={progress}
              onCancel={() => running.current?.abort()}
              prefix={prefix}
            />
          )}
          {result && <Result name={result.name} redaction={result.redaction} />}
          <div className="share-actions">
            <button type="button" data-testid={`${prefix}-close`} onClick={() => dialog.current?.close()}>
              {result ? 'Close' : 'Cancel'}
            </button>
            <button type="submit" className="primary" data-testid={`${prefix}-save`} disabled={busy}>
              Save…
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
