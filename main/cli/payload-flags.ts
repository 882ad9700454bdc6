import type { InspectorOptions } from '../core/inspector.js';
import { UsageError } from './command.js';

/** parseArgs option specs of the payload flags, shared by `wsi connect` and `wsi proxy`. */
export const PAYLOAD_FLAG_OPTIONS = {
  'max-preview': { type: 'string' },
  'max-payload': { type: 'string' },
  'full-payloads': { type: 'boolean' },
  'preview-rate': { type: 'string' },
} as const;

export const PAYLOAD_FLAGS_USAGE = `      --max-preview BYTES      payload bytes kept in each frame/message record (default 64k)
      --max-payload BYTES      full payloads up to this size are kept in memory (default 16m; 0: none)
      --full-payloads          write full payloads (up to --max-payload) into --out instead of previews
      --preview-rate BYTES     while one connection's previews (the first --max-preview bytes of each data
                               frame) exceed this many bytes per second, its records keep 255-byte previews
                               (default 32m, or 0 with --full-payloads; 0: never)`;

export type PayloadLimits = Pick<
  InspectorOptions,
  'maxCapturedPayload' | 'maxStoredPayload' | 'fullPayloadsInSession' | 'previewRateLimit'
>;

const BYTES = /^(\d+)\s*([km]i?b?)?$/i;
const MAX_BYTES = 1024 * 1024 * 1024;

/** "65536", "64k", "16m", "16MiB": a whole number of bytes, or a UsageError naming the flag. */
export function parseByteCount(flag: string, text: string): number {
  const match = BYTES.exec(text.trim());
  const unit = match?.[2]?.[0]?.toLowerCase();
  const bytes = match ? Number(match[1]) * (unit === 'm' ? 1024 * 1024 : unit === 'k' ? 1024 : 1) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes > MAX_BYTES) {
    throw new UsageError(
      `--${flag} expects a byte count up to 1g (e.g. 65536, 64k, 16m), got ${JSON.stringify(text)}`,
    );
  }
  return bytes;
}

export function parsePayloadFlags(values: {
  'max-preview'?: string | undefined;
  'max-payload'?: string | undefined;
  'full-payloads'?: boolean | undefined;
  'preview-rate'?: string | undefined;
  out?: string | undefined;
}): PayloadLimits {
  const preview = values['max-preview'];
  const rate = values['preview-rate'];
  const payload = values['max-payload'];
  if (values['full-payloads'] && values.out === undefined)
    throw new UsageError('--full-payloads needs --out FILE');
  return {
    ...(preview !== undefined ? { maxCapturedPayload: parseByteCount('max-preview', preview) } : {}),
    ...(payload !== undefined ? { maxStoredPayload: parseByteCount('max-payload', payload) } : {}),
    ...(values['full-payloads'] ? { fullPayloadsInSession: true } : {}),
    ...(rate !== undefined ? { previewRateLimit: parseByteCount('preview-rate', rate) } : {}),
  };
}
