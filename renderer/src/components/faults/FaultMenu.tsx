import { useState } from 'react';
import type { ConnectionFault } from '../../../../shared/api/contract.js';
import type { FaultDirection, FaultTarget } from '../../../../shared/model/fault.js';
import type { ConnectionView } from '../../store/connection-view.js';
import { useInspector } from '../../ui/store-context.js';
import { CloseFaultForm } from './CloseFaultForm.js';
import { LatencyFaultForm } from './LatencyFaultForm.js';
import { InjectMessageForm } from './InjectMessageForm.js';
import { relayStatus } from '../../ui/fault-form.js';
import './faults.css';

/** Faults go through the proxy's relay, so only open proxied connections of the live session take them. */
export const canInjectFault = (view: ConnectionView): boolean =>
  !view.readOnly && view.mode === 'proxy' && view.state === 'open';

type OpenForm = 'close' | 'latency' | 'inject' | null;

function SideSelect({ value, onChange }: { value: FaultTarget; onChange: (side: FaultTarget) => void }) {
  return (
    <label className="fault-select">
      to
      <select
        aria-label="Drop or close towards"
        data-testid="fault-side"
        value={value}
        onChange={(e) => onChange(e.target.value as FaultTarget)}
      >
        <option value="both">both sides</option>
        <option value="client">the client</option>
        <option value="server">the server</option>
      </select>
    </label>
  );
}

function DirectionSelect({
  value,
  onChange,
}: {
  value: FaultDirection;
  onChange: (direction: FaultDirection) => void;
}) {
  return (
    <label className="fault-select">
      dir
      <select
        aria-label="Stall or latency direction"
        data-testid="fault-direction"
        value={value}
        onChange={(e) => onChange(e.target.value as FaultDirection)}
      >
        <option value="both">both ways</option>
        <option value="c2s">↑ client → server</option>
        <option value="s2c">↓ server → client</option>
      </select>
    </label>
  );
}

/** "Inject fault" toolbar of an open proxied connection: drops, a close frame, stall/resume and latency. */
export function FaultMenu({ view }: { view: ConnectionView }) {
  const injectFault = useInspector((s) => s.injectFault);
  const injectMessage = useInspector((s) => s.injectMessage);
  const [side, setSide] = useState<FaultTarget>('both');
  const [direction, setDirection] = useState<FaultDirection>('both');
  const [openForm, setOpenForm] = useState<OpenForm>(null);
  const [busy, setBusy] = useState(false);

  if (!canInjectFault(view)) return null;
  // From the recorded faults, so the button and the status survive switching connections and reloads.
  const stalled =
    direction === 'both' ? view.relay.c2s.stalled || view.relay.s2c.stalled : view.relay[direction].stalled;

  const inject = async (fault: ConnectionFault): Promise<boolean> => {
    setBusy(true);
    const ok = await injectFault(view.key, fault);
    setBusy(false);
    return ok;
  };
  const toggleForm = (form: Exclude<OpenForm, null>) => setOpenForm(openForm === form ? null : form);
  const toggleStall = () => inject(stalled ? { kind: 'resume', direction } : { kind: 'stall', direction });
  const status = relayStatus(view);

  return (
    <div className="fault-menu" data-testid="fault-menu">
      <div role="toolbar" aria-label="Inject fault" className="fault-toolbar">
        <span className="fault-title">Inject fault</span>
        <button
          type="button"
          className="small"
          disabled={busy}
          data-testid="fault-fin"
          onClick={() => void inject({ kind: 'fin', side })}
        >
          Drop (FIN)
        </button>
        <button
          type="button"
          className="small"
          disabled={busy}
          data-testid="fault-rst"
          onClick={() => void inject({ kind: 'rst', side })}
        >
          Drop (RST)
        </button>
        <button
          type="button"
          className="small"
          aria-expanded={openForm === 'close'}
          data-testid="fault-close"
          onClick={() => toggleForm('close')}
        >
          Close with code…
        </button>
        <SideSelect value={side} onChange={setSide} />
        <span className="fault-separator" aria-hidden="true" />
        <button
          type="button"
          className="small"
          disabled={busy}
          aria-pressed={stalled}
          data-testid="fault-stall"
          onClick={() => void toggleStall()}
        >
          {stalled ? 'Resume' : 'Stall'}
        </button>
        <button
          type="button"
          className="small"
          aria-expanded={openForm === 'latency'}
          data-testid="fault-latency"
          onClick={() => toggleForm('latency')}
        >
          Latency…
        </button>
        <DirectionSelect value={direction} onChange={setDirection} />
        <span className="fault-separator" aria-hidden="true" />
        <button
          type="button"
          className="small"
          aria-expanded={openForm === 'inject'}
          data-testid="inject-message"
          onClick={() => toggleForm('inject')}
        >
          Inject message…
        </button>
        {status && (
          <span className="fault-status" role="status" data-testid="fault-status">
            {status}
          </span>
        )}
      </div>
      {openForm === 'close' && (
        <CloseFaultForm
          side={side}
          onInject={async (fault) => {
            if (await inject(fault)) setOpenForm(null);
          }}
        />
      )}
      {openForm === 'inject' && (
        <InjectMessageForm onInject={(request) => injectMessage(view.key, request)} />
      )}
      {openForm === 'latency' && (
        <LatencyFaultForm
          direction={direction}
          onInject={async (fault) => {
            if (await inject(fault)) setOpenForm(null);
          }}
        />
      )}
    </div>
  );
}
