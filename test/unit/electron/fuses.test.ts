import { getConfig } from 'app-builder-lib/out/util/config/config.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defaultFuseWire,
  FUSE_SENTINEL,
  fuseProblems,
  readFuseWire,
  REQUIRED_FUSES,
} from '../../../main/electron/fuses.js';

const root = join(import.meta.dirname, '..', '..', '..');

describe('Electron fuses', () => {
  it('electron-builder.yml, read as electron-builder reads it, flips exactly the required fuses', async () => {
    const config = await getConfig(root, null, null);
    expect(config.electronFuses).toEqual(REQUIRED_FUSES);
    expect(config.asar).toBe(true);
  });

  it('requires RunAsNode off, cookie encryption on and ASAR integrity with app.asar only', () => {
    expect(REQUIRED_FUSES).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it("reads a wire in Electron's default states and names every required fuse it does not meet", () => {
    const binary = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, ...defaultFuseWire(), 0, 0]);
    const wire = readFuseWire(binary);
    expect(wire.runAsNode).toBe('enabled');
    expect(wire.enableCookieEncryption).toBe('disabled');
    expect(fuseProblems(wire)).toEqual([
      'fuse runAsNode: enabled, must be disabled',
      'fuse enableCookieEncryption: disabled, must be enabled',
      'fuse enableNodeOptionsEnvironmentVariable: enabled, must be disabled',
      'fuse enableNodeCliInspectArguments: enabled, must be disabled',
      'fuse enableEmbeddedAsarIntegrityValidation: disabled, must be enabled',
      'fuse onlyLoadAppFromAsar: disabled, must be enabled',
      'fuse grantFileProtocolExtraPrivileges: enabled, must be disabled',
    ]);
  });

  it('accepts a wire with the required states; a short wire or a removed fuse is a problem', () => {
    const sentinel = [...new TextEncoder().encode(FUSE_SENTINEL)];
    const good = readFuseWire(
      new Uint8Array([...sentinel, 1, 8, ...[...'01001100'].map((c) => c.charCodeAt(0))]),
    );
    expect(fuseProblems(good)).toEqual([]);
    const short = readFuseWire(new Uint8Array([...sentinel, 1, 2, 0x30, 0x31]));
    expect(fuseProblems(short)).toContain("fuse onlyLoadAppFromAsar: not in this Electron's fuse wire");
    const removed = readFuseWire(new Uint8Array([...sentinel, 1, 1, 0x72]));
    expect(fuseProblems(removed)).toContain('fuse runAsNode: removed, must be disabled');
  });

  it('refuses a file without a fuse wire or with an unknown wire version', () => {
    expect(() => readFuseWire(new TextEncoder().encode('#!/bin/sh\n'))).toThrow(/no Electron fuse wire/);
    const sentinel = [...new TextEncoder().encode(FUSE_SENTINEL)];
    expect(() => readFuseWire(new Uint8Array([...sentinel, 2, 0]))).toThrow(/version 2/);
  });
});
