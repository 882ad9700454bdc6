/**
 * An independent WebSocket frame encoder for tests: written from RFC 6455 §5.2 without sharing code with the parser.
 * It can also produce wrong frames on purpose (non-minimal lengths, raw length fields).
 */
export interface FrameSpec {
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  opcode: number;
  /** 4-byte masking key; the frame is masked when present. */
  mask?: Uint8Array | readonly number[];
  payload?: Uint8Array | string;
  /** Force the length encoding (may be non-minimal). Default: the shortest that fits. */
  lengthEncoding?: 7 | 16 | 64;
  /** Override the 64-bit length field with these 8 bytes (payload is still appended as given). */
  rawLength64?: readonly number[];
}

export function bytesOf(payload: Uint8Array | string | undefined): Uint8Array {
  if (payload === undefined) return new Uint8Array(0);
  return typeof payload === 'string' ? new Uint8Array(Buffer.from(payload, 'utf8')) : payload;
}

export function encodeFrame(spec: FrameSpec): Uint8Array {
  const payload = bytesOf(spec.payload);
  const len = payload.length;
  const encoding =
    spec.rawLength64 !== undefined ? 64 : (spec.lengthEncoding ?? (len < 126 ? 7 : len < 65536 ? 16 : 64));
  const extra = encoding === 7 ? 0 : encoding === 16 ? 2 : 8;
  const maskLen = spec.mask ? 4 : 0;
  const out = new Uint8Array(2 + extra + maskLen + len);
  out[0] =
    ((spec.fin ?? true) ? 0x80 : 0) |
    (spec.rsv1 ? 0x40 : 0) |
    (spec.rsv2 ? 0x20 : 0) |
    (spec.rsv3 ? 0x10 : 0) |
    (spec.opcode & 0x0f);
  const maskBit = spec.mask ? 0x80 : 0;
  if (encoding === 7) {
    if (len > 125) throw new Error('7-bit length cannot hold ' + len);
    out[1] = maskBit | len;
  } else if (encoding === 16) {
    if (len > 0xffff) throw new Error('16-bit length cannot hold ' + len);
    out[1] = maskBit | 126;
    out[2] = len >> 8;
    out[3] = len & 0xff;
  } else {
    out[1] = maskBit | 127;
    const view = new DataView(out.buffer);
    if (spec.rawLength64) spec.rawLength64.forEach((b, i) => (out[2 + i] = b));
    else view.setBigUint64(2, BigInt(len));
  }
  let at = 2 + extra;
  if (spec.mask) {
    for (let i = 0; i < 4; i++) out[at + i] = spec.mask[i]!;
    at += 4;
  }
  for (let i = 0; i < len; i++) out[at + i] = payload[i]! ^ (spec.mask ? spec.mask[i % 4]! : 0);
  return out;
}

/** The header alone, for frames too large to materialise (e.g. a 64-bit length of many GiB). */
export function encodeHeader(spec: Omit<FrameSpec, 'payload'> & { payloadLength: number }): Uint8Array {
  const { payloadLength, ...rest } = spec;
  const probe = encodeFrame({
    ...rest,
    payload: new Uint8Array(0),
    lengthEncoding: rest.lengthEncoding ?? 7,
  });
  const encoding = rest.lengthEncoding ?? (payloadLength < 126 ? 7 : payloadLength < 65536 ? 16 : 64);
  const extra = encoding === 7 ? 0 : encoding === 16 ? 2 : 8;
  const out = new Uint8Array(2 + extra + (rest.mask ? 4 : 0));
  out[0] = probe[0]!;
  const maskBit = rest.mask ? 0x80 : 0;
  const view = new DataView(out.buffer);
  if (encoding === 7) out[1] = maskBit | payloadLength;
  else if (encoding === 16) {
    out[1] = maskBit | 126;
    view.setUint16(2, payloadLength);
  } else {
    out[1] = maskBit | 127;
    view.setBigUint64(2, BigInt(payloadLength));
  }
  if (rest.mask) for (let i = 0; i < 4; i++) out[2 + extra + i] = rest.mask[i]!;
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Splits bytes at the given cut points (sorted or not; out-of-range cuts are ignored). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}
