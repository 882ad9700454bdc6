import type { ProxyFaultsForm } from '../../ui/fault-form.js';
import './faults.css';

type TextField = {
  [K in keyof ProxyFaultsForm]: ProxyFaultsForm[K] extends string
    ? string extends ProxyFaultsForm[K]
      ? K
      : never
    : never;
}[keyof ProxyFaultsForm];

function FaultCheckbox({
  form,
  field,
  label,
  onChange,
}: {
  form: ProxyFaultsForm;
  field: 'downgradeHttp10' | 'stripUpgrade';
  label: string;
  onChange: (form: ProxyFaultsForm) => void;
}) {
  return (
    <label className="fault-check">
      <input
        type="checkbox"
        data-testid={`proxy-fault-${field}`}
        checked={form[field]}
        onChange={(e) => onChange({ ...form, [field]: e.target.checked })}
      />
      <span>{label}</span>
    </label>
  );
}

function FaultInput({
  form,
  field,
  label,
  hint,
  onChange,
}: {
  form: ProxyFaultsForm;
  field: TextField;
  label: string;
  hint: string;
  onChange: (form: ProxyFaultsForm) => void;
}) {
  return (
    <label>
      <span>
        {label} <span className="hint">{hint}</span>
      </span>
      <input
        type="text"
        inputMode={field === 'closeAfter' ? 'text' : 'decimal'}
        data-testid={`proxy-fault-${field}`}
        value={form[field]}
        onChange={(e) => onChange({ ...form, [field]: e.target.value })}
      />
    </label>
  );
}

/** The start form's collapsed "Faults" section: faults applied to every connection of the proxy. Empty = off. */
export function ProxyFaultsFields({
  form,
  onChange,
}: {
  form: ProxyFaultsForm;
  onChange: (form: ProxyFaultsForm) => void;
}) {
  return (
    <details className="proxy-faults">
      <summary data-testid="proxy-faults">Faults</summary>
      <div className="fault-row">
        <FaultInput
          form={form}
          field="idleTimeoutSeconds"
          label="Idle timeout"
          hint="s"
          onChange={onChange}
        />
        <label>
          <span>then</span>
          <select
            aria-label="Idle drop"
            data-testid="proxy-fault-idleDrop"
            value={form.idleDrop}
            onChange={(e) => onChange({ ...form, idleDrop: e.target.value as 'fin' | 'rst' })}
          >
            <option value="fin">TCP FIN</option>
            <option value="rst">TCP reset</option>
          </select>
        </label>
      </div>
      <FaultInput
        form={form}
        field="maxLifetimeSeconds"
        label="Max lifetime"
        hint="s after the 101, then FIN"
        onChange={onChange}
      />
      <div className="fault-row">
        <FaultInput
          form={form}
          field="rejectUpgradePercent"
          label="Reject upgrades"
          hint="%"
          onChange={onChange}
        />
        <FaultInput form={form} field="rejectStatus" label="with status" hint="503" onChange={onChange} />
      </div>
      <FaultInput
        form={form}
        field="dropAfterUpgradePercent"
        label="Drop after upgrade"
        hint="% (101 relayed, then FIN)"
        onChange={onChange}
      />
      <FaultCheckbox
        form={form}
        field="downgradeHttp10"
        label="Upgrade upstream as HTTP/1.0 without keep-alive"
        onChange={onChange}
      />
      <FaultCheckbox
        form={form}
        field="stripUpgrade"
        label="Strip Upgrade and Connection headers upstream"
        onChange={onChange}
      />
      <label>
        <span>Suppress pongs</span>
        <select
          aria-label="Suppress pongs"
          data-testid="proxy-fault-suppressPongs"
          value={form.suppressPongs}
          onChange={(e) =>
            onChange({ ...form, suppressPongs: e.target.value as ProxyFaultsForm['suppressPongs'] })
          }
        >
          <option value="">off</option>
          <option value="c2s">↑ client → server</option>
          <option value="s2c">↓ server → client</option>
          <option value="both">both ways</option>
        </select>
      </label>
      <label>
        <span>
          Drop messages{' '}
          <span className="hint">
            one rule a line: [c2s:|s2c:]contains:TEXT, regex:RE, json:$.path=VALUE, opcode:NAME
          </span>
        </span>
        <textarea
          rows={2}
          data-testid="proxy-fault-dropMessages"
          value={form.dropMessages}
          onChange={(e) => onChange({ ...form, dropMessages: e.target.value })}
        />
      </label>
      <div className="fault-row">
        <FaultInput form={form} field="delayC2s" label="Delay ↑" hint="ms[:jitter]" onChange={onChange} />
        <FaultInput form={form} field="delayS2c" label="Delay ↓" hint="ms[:jitter]" onChange={onChange} />
      </div>
      <div className="fault-row">
        <FaultInput form={form} field="bandwidthC2s" label="Bandwidth ↑" hint="bytes/s" onChange={onChange} />
        <FaultInput form={form} field="bandwidthS2c" label="Bandwidth ↓" hint="bytes/s" onChange={onChange} />
      </div>
      <FaultInput
        form={form}
        field="closeAfter"
        label="Close after"
        hint="N messages:CODE[:reason]"
        onChange={onChange}
      />
    </details>
  );
}
