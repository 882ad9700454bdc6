import type { InjectMessageRequest } from '../../../shared/api/contract.js';
import type { Direction } from '../../../shared/model/wire.js';
import { bytesToBase64, parseHex } from '../format/bytes.js';
import { validateFaultCloseCode } from './fault-form.js';
import { checkJson } from './json-check.js';

export type InjectKind = InjectMessageRequest['kind'];

export interface InjectForm {
  direction: Direction;
  kind: InjectKind;
  /** Text, JSON, hex bytes (binary) or the ping/pong payload text. */
  data: string;
  code: string;
  reason: string;
}

/** The injectMessage request for the form (without the connection), or the problem in words. */
export function injectRequestFromForm(
  form: InjectForm,
): { request: Omit<InjectMessageRequest, 'conn'> } | { error: string } {
  const base = { direction: form.direction, kind: form.kind };
  switch (form.kind) {
    case 'json': {
      const checked = checkJson(form.data);
      if (!checked.ok)
        return {
          error: `Not valid JSON${checked.line !== undefined ? ` (line ${checked.line}, column ${checked.column})` : ''}: ${checked.message}`,
        };
      return { request: { ...base, data: form.data } };
    }
    case 'binary': {
      const bytes = parseHex(form.data);
      if (!bytes) return { error: 'Binary takes hex bytes, e.g. "01 02 ff".' };
      return { request: { ...base, data: bytesToBase64(bytes) } };
    }
    case 'ping':
    case 'pong':
      if (new TextEncoder().encode(form.data).length > 125)
        return { error: 'A ping or pong payload has at most 125 bytes.' };
      return { request: { ...base, data: form.data } };
    case 'close': {
      const code = validateFaultCloseCode(form.code);
      if ('error' in code) return code;
      if (new TextEncoder().encode(form.reason).length > 123)
        return { error: 'A close reason has at most 123 UTF-8 bytes.' };
      return { request: { ...base, code: code.code, ...(form.reason ? { reason: form.reason } : {}) } };
    }
    case 'text':
      return { request: { ...base, data: form.data } };
  }
}
