import { useState } from 'react';
import type { BreakpointSettings, HoldRule } from '../../../../shared/api/contract.js';
import { describeRule, RULE_OPCODES } from '../../../../shared/protocol/message-rule.js';
import { EMPTY_RULE_FORM, holdRuleFromForm, type RuleForm } from '../../ui/breakpoint-form.js';
import { useInspector } from '../../ui/store-context.js';
import './breakpoints.css';

const DIRECTION_TEXT: Record<HoldRule['direction'], string> = {
  c2s: '↑ to the server',
  s2c: '↓ to the client',
  both: '↕ both ways',
};

const ruleText = (rule: HoldRule): string =>
  `${DIRECTION_TEXT[rule.direction]}: ${describeRule(rule.rule)}${rule.url ? ` on URLs matching ${rule.url}` : ''}`;

/** The proxies' message breakpoints: rules that hold matching messages, and the hold timeout. */
export function BreakpointsEditor() {
  const settings = useInspector((s) => s.breakpoints);
  const setBreakpoints = useInspector((s) => s.setBreakpoints);
  const [form, setForm] = useState<RuleForm>(EMPTY_RULE_FORM);
  // Typed but not applied yet; otherwise the settings in force are shown (they arrive after the first render).
  const [timeoutDraft, setTimeoutText] = useState<string | null>(null);
  const [onTimeoutDraft, setOnTimeout] = useState<'forward' | 'drop' | null>(null);
  const timeout = timeoutDraft ?? String((settings.timeoutMs ?? 60_000) / 1000);
  const onTimeout = onTimeoutDraft ?? settings.onTimeout ?? 'forward';
  const [problem, setProblem] = useState<string | null>(null);

  const apply = async (rules: HoldRule[]): Promise<boolean> => {
    const seconds = Number(timeout);
    if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 86_400) {
      setProblem('Hold timeout: 0.1 to 86400 seconds.');
      return false;
    }
    const next: BreakpointSettings = { rules, timeoutMs: Math.round(seconds * 1000), onTimeout };
    setProblem(null);
    const done = await setBreakpoints(next);
    if (done) {
      setTimeoutText(null);
      setOnTimeout(null);
    }
    return done;
  };

  const add = async (): Promise<void> => {
    const built = holdRuleFromForm(form);
    if ('error' in built) return setProblem(built.error);
    // The text typed meanwhile (if any) is kept.
    if (await apply([...settings.rules, built.rule]))
      setForm((now) => (now.value === form.value ? { ...now, value: '', equals: '' } : now));
  };

  return (
    <fieldset className="breakpoints" data-testid="breakpoints">
      <legend>Breakpoints</legend>
      <p className="hint">
        Hold matching messages on every proxied connection until you forward, edit or drop them.
      </p>
      {settings.rules.length > 0 && (
        <ul className="breakpoint-rules" aria-label="Breakpoint rules">
          {settings.rules.map((rule, index) => (
            <li key={index} data-testid="breakpoint-rule">
              <span>{ruleText(rule)}</span>
              <button
                type="button"
                className="small"
                data-testid="breakpoint-remove"
                onClick={() => void apply(settings.rules.filter((_, i) => i !== index))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="breakpoint-form">
        <select
          aria-label="Breakpoint direction"
          data-testid="breakpoint-direction"
          value={form.direction}
          onChange={(e) => setForm({ ...form, direction: e.target.value as RuleForm['direction'] })}
        >
          {Object.entries(DIRECTION_TEXT).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <select
          aria-label="Breakpoint opcode"
          data-testid="breakpoint-opcode"
          value={form.opcode}
          onChange={(e) => setForm({ ...form, opcode: e.target.value as RuleForm['opcode'] })}
        >
          <option value="">any message</option>
          {RULE_OPCODES.map((opcode) => (
            <option key={opcode} value={opcode}>
              {opcode}
            </option>
          ))}
        </select>
        <select
          aria-label="Breakpoint match"
          data-testid="breakpoint-match"
          value={form.match}
          onChange={(e) => setForm({ ...form, match: e.target.value as RuleForm['match'] })}
        >
          <option value="contains">contains</option>
          <option value="regex">matches regex</option>
          <option value="json">JSON path</option>
          <option value="none">(opcode only)</option>
        </select>
        {form.match !== 'none' && (
          <input
            type="text"
            aria-label="Breakpoint value"
            data-testid="breakpoint-value"
            spellCheck={false}
            placeholder={form.match === 'json' ? '$.type' : form.match === 'regex' ? '^auth' : 'text'}
            value={form.value}
            onChange={(e) => setForm({ ...form, value: e.target.value })}
          />
        )}
        {form.match === 'json' && (
          <input
            type="text"
            aria-label="Breakpoint JSON value"
            data-testid="breakpoint-equals"
            spellCheck={false}
            placeholder="= value (optional)"
            value={form.equals}
            onChange={(e) => setForm({ ...form, equals: e.target.value })}
          />
        )}
        <input
          type="text"
          aria-label="Breakpoint URL pattern"
          data-testid="breakpoint-url"
          spellCheck={false}
          placeholder="URL contains (optional, * wildcard)"
          value={form.url}
          onChange={(e) => setForm({ ...form, url: e.target.value })}
        />
        <button type="button" className="small" data-testid="breakpoint-add" onClick={() => void add()}>
          Add breakpoint
        </button>
      </div>
      <div className="breakpoint-form">
        <label>
          Hold timeout <span className="hint">seconds</span>
          <input
            type="text"
            inputMode="decimal"
            className="breakpoint-timeout"
            data-testid="breakpoint-timeout"
            value={timeout}
            onChange={(e) => setTimeoutText(e.target.value)}
          />
        </label>
        <select
          aria-label="At the timeout"
          data-testid="breakpoint-on-timeout"
          value={onTimeout}
          onChange={(e) => setOnTimeout(e.target.value as 'forward' | 'drop')}
        >
          <option value="forward">then forward</option>
          <option value="drop">then drop</option>
        </select>
        <button
          type="button"
          className="small"
          data-testid="breakpoint-timeout-apply"
          onClick={() => void apply(settings.rules)}
        >
          Apply
        </button>
      </div>
      {problem && (
        <p className="form-problem" role="alert" data-testid="breakpoint-problem">
          {problem}
        </p>
      )}
    </fieldset>
  );
}
