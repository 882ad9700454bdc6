import type { ProxyFaultsForm } from '../../ui/fault-form.js';
import './faults.css';

type TextField = Exclude<keyof ProxyFaultsForm, 'idleDrop'>;

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
        inputMode="decimal"
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
    </details>
  );
}
