// Electron fuses: switches compiled into the Electron binary, flipped at packaging time by electron-builder
// (`electronFuses` in electron-builder.yml). This module states the policy and reads a binary's fuse wire back, so
// the packaging check can verify what electron-builder wrote. It does not import electron.

/** Fuse names as electron-builder's `electronFuses` spells them, in the order of Electron's V1 fuse wire. */
export const FUSE_WIRE_V1 = [
  'runAsNode',
  'enableCookieEncryption',
  'enableNodeOptionsEnvironmentVariable',
  'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation',
  'onlyLoadAppFromAsar',
  'loadBrowserProcessSpecificV8Snapshot',
  'grantFileProtocolExtraPrivileges',
] as const;

export type FuseName = (typeof FUSE_WIRE_V1)[number];

/**
 * The fuses the packaged app must have. Nothing in the app uses ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect
 * (worker_threads do not need them), so each is a way in for whoever can start the binary, and nothing else.
 */
export const REQUIRED_FUSES: Readonly<Partial<Record<FuseName, boolean>>> = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  // Only app.asar is loaded, and (on macOS and Windows) only if it matches the hash electron-builder embedded.
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  // The renderer is served from the app's own scheme, so file:// needs no privileges beyond a browser's.
  grantFileProtocolExtraPrivileges: false,
};

/** The marker Electron puts in front of its fuse wire: version byte, length byte, then one byte per fuse. */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

export type FuseState = 'enabled' | 'disabled' | 'removed' | 'unknown';

const STATES: Record<number, FuseState> = { 0x30: 'disabled', 0x31: 'enabled', 0x72: 'removed' };

/** The V1 fuse wire of an Electron binary (or of a stand-in carrying one), by fuse name. */
export function readFuseWire(binary: Uint8Array): Partial<Record<FuseName, FuseState>> {
  const sentinel = new TextEncoder().encode(FUSE_SENTINEL);
  const at = indexOf(binary, sentinel);
  if (at < 0) throw new Error('no Electron fuse wire in this file');
  const version = binary[at + sentinel.length];
  if (version !== 1) throw new Error(`unsupported fuse wire version ${String(version)}`);
  const length = binary[at + sentinel.length + 1] ?? 0;
  const wire: Partial<Record<FuseName, FuseState>> = {};
  FUSE_WIRE_V1.slice(0, length).forEach((name, i) => {
    const byte = binary[at + sentinel.length + 2 + i];
    wire[name] = byte === undefined ? 'unknown' : (STATES[byte] ?? 'unknown');
  });
  return wire;
}

/** Each required fuse the wire does not have in the required state, as a readable line. */
export function fuseProblems(
  wire: Partial<Record<FuseName, FuseState>>,
  required: Partial<Record<FuseName, boolean>> = REQUIRED_FUSES,
): string[] {
  const problems: string[] = [];
  for (const name of FUSE_WIRE_V1) {
    const want = required[name];
    if (want === undefined) continue;
    const have = wire[name];
    const expected: FuseState = want ? 'enabled' : 'disabled';
    if (have === undefined) problems.push(`fuse ${name}: not in this Electron's fuse wire`);
    else if (have !== expected) problems.push(`fuse ${name}: ${have}, must be ${expected}`);
  }
  return problems;
}

/** A stand-in fuse wire with Electron's default states, for checking packaging without a real binary. */
export function defaultFuseWire(): Uint8Array {
  const defaults: Record<FuseName, boolean> = {
    runAsNode: true,
    enableCookieEncryption: false,
    enableNodeOptionsEnvironmentVariable: true,
    enableNodeCliInspectArguments: true,
    enableEmbeddedAsarIntegrityValidation: false,
    onlyLoadAppFromAsar: false,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: true,
  };
  return new Uint8Array([
    ...new TextEncoder().encode(FUSE_SENTINEL),
    1,
    FUSE_WIRE_V1.length,
    ...FUSE_WIRE_V1.map((name) => (defaults[name] ? 0x31 : 0x30)),
  ]);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
