import { describe, expect, it } from 'vitest';
import { parseConnectArgs } from '../../../main/cli/commands/connect.js';
import { parseProxyArgs } from '../../../main/cli/commands/proxy.js';
import { UsageError } from '../../../main/cli/command.js';
import { parseByteCount } from '../../../main/cli/payload-flags.js';

describe('payload flags', () => {
  it('parses byte counts with k/m suffixes', () => {
    expect(parseByteCount('max-preview', '65536')).toBe(65536);
    expect(parseByteCount('max-preview', '64k')).toBe(65536);
    expect(parseByteCount('max-payload', '16MiB')).toBe(16 * 1024 * 1024);
    expect(parseByteCount('max-payload', '0')).toBe(0);
  });

  it.each(['', '-1', '1.5k', 'lots', '2g'])('rejects %j with a UsageError (exit 2)', (text) => {
    expect(() => parseByteCount('max-preview', text)).toThrow(UsageError);
  });

  it('wsi connect: --max-preview, --max-payload, --full-payloads reach the inspector options', () => {
    const args = parseConnectArgs([
      'ws://127.0.0.1:1/',
      '--max-preview',
      '1k',
      '--max-payload',
      '2m',
      '--full-payloads',
      '--out',
      'x.jsonl',
    ]);
    expect(args !== 'help' && args.payloads).toEqual({
      maxCapturedPayload: 1024,
      maxStoredPayload: 2 * 1024 * 1024,
      fullPayloadsInSession: true,
    });
  });

  it('wsi proxy: the same flags; --full-payloads needs --out', () => {
    const args = parseProxyArgs(['--target', 'ws://127.0.0.1:1/', '--max-preview', '4096']);
    expect(args !== 'help' && args.payloads).toEqual({ maxCapturedPayload: 4096 });
    expect(() => parseProxyArgs(['--target', 'ws://127.0.0.1:1/', '--full-payloads'])).toThrow(
      /--full-payloads needs --out/,
    );
    expect(() => parseProxyArgs(['--target', 'ws://127.0.0.1:1/', '--max-payload', 'big'])).toThrow(
      UsageError,
    );
  });

  it('--preview-rate reaches the inspector options; a bad value is a usage error', () => {
    const args = parseProxyArgs(['--target', 'ws://127.0.0.1:1/', '--preview-rate', '8m']);
    expect(args !== 'help' && args.payloads).toEqual({ previewRateLimit: 8 * 1024 * 1024 });
    const off = parseConnectArgs(['ws://127.0.0.1:1/', '--preview-rate', '0']);
    expect(off !== 'help' && off.payloads).toEqual({ previewRateLimit: 0 });
    expect(() => parseConnectArgs(['ws://127.0.0.1:1/', '--preview-rate', 'fast'])).toThrow(
      /--preview-rate expects a byte count/,
    );
  });
});
