import { encodeUtf8 } from '../protocol/utf8.js';
import { pad4 } from './bytes.js';

/** pcapng block types and constants (pcapng spec, draft-ietf-opsawg-pcapng). Everything is written little-endian. */
export const BLOCK_SECTION_HEADER = 0x0a0d0d0a;
export const BLOCK_INTERFACE_DESCRIPTION = 0x00000001;
export const BLOCK_ENHANCED_PACKET = 0x00000006;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;

const OPT_END = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_TSRESOL = 9;

export interface BlockOption {
  code: number;
  value: Uint8Array;
}

export const commentOption = (text: string): BlockOption => ({ code: OPT_COMMENT, value: encodeUtf8(text) });

/** Options area: each option is code(2) length(2) value padded to 4, then opt_endofopt; empty when no options. */
export function encodeOptions(options: readonly BlockOption[]): Uint8Array {
  if (options.length === 0) return new Uint8Array(0);
  const size = options.reduce((sum, o) => sum + 4 + pad4(o.value.length), 0) + 4;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const option of options) {
    view.setUint16(at, option.code, true);
    view.setUint16(at + 2, option.value.length, true);
    out.set(option.value, at + 4);
    at += 4 + pad4(option.value.length);
  }
  view.setUint16(at, OPT_END, true);
  view.setUint16(at + 2, 0, true);
  return out;
}

/**
 * A block: type(4) totalLength(4) body (padded to 4) totalLength(4). The length is repeated at the end so readers can
 * walk backwards.
 */
export function encodeBlock(type: number, body: Uint8Array): Uint8Array {
  const total = 12 + pad4(body.length);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, total, true);
  out.set(body, 8);
  view.setUint32(total - 4, total, true);
  return out;
}

export interface SectionHeaderOptions {
  application?: string;
  comment?: string;
}

export function sectionHeaderBlock(options: SectionHeaderOptions = {}): Uint8Array {
  const opts: BlockOption[] = [];
  if (options.comment) opts.push(commentOption(options.comment));
  if (options.application) opts.push({ code: SHB_USERAPPL, value: encodeUtf8(options.application) });
  const encodedOptions = encodeOptions(opts);
  const body = new Uint8Array(16 + encodedOptions.length);
  const view = new DataView(body.buffer);
  view.setUint32(0, BYTE_ORDER_MAGIC, true);
  view.setUint16(4, 1, true); // major version
  view.setUint16(6, 0, true); // minor version
  // Section length -1: not specified (the section is not indexed).
  view.setUint32(8, 0xffffffff, true);
  view.setUint32(12, 0xffffffff, true);
  body.set(encodedOptions, 16);
  return encodeBlock(BLOCK_SECTION_HEADER, body);
}

export interface InterfaceOptions {
  linkType: number;
  snapLength: number;
  name?: string;
}

/** Interface Description Block with µs timestamps (if_tsresol 6, also the default). */
export function interfaceDescriptionBlock(options: InterfaceOptions): Uint8Array {
  const opts: BlockOption[] = [];
  if (options.name) opts.push({ code: IF_NAME, value: encodeUtf8(options.name) });
  opts.push({ code: IF_TSRESOL, value: Uint8Array.of(6) });
  const encodedOptions = encodeOptions(opts);
  const body = new Uint8Array(8 + encodedOptions.length);
  const view = new DataView(body.buffer);
  view.setUint16(0, options.linkType, true);
  view.setUint16(2, 0, true); // reserved
  view.setUint32(4, options.snapLength, true);
  body.set(encodedOptions, 8);
  return encodeBlock(BLOCK_INTERFACE_DESCRIPTION, body);
}

export interface EnhancedPacket {
  interfaceId: number;
  /** Microseconds since the Unix epoch (integer). */
  timestampUs: number;
  data: Uint8Array;
  /** Length of the packet on the wire; larger than data.length when only a prefix was captured. */
  originalLength: number;
  comment?: string;
}

export function enhancedPacketBlock(packet: EnhancedPacket): Uint8Array {
  const encodedOptions = encodeOptions(packet.comment ? [commentOption(packet.comment)] : []);
  const dataLength = pad4(packet.data.length);
  const body = new Uint8Array(20 + dataLength + encodedOptions.length);
  const view = new DataView(body.buffer);
  const us = Math.max(0, Math.round(packet.timestampUs));
  view.setUint32(0, packet.interfaceId, true);
  view.setUint32(4, Math.floor(us / 0x100000000), true);
  view.setUint32(8, us % 0x100000000, true);
  view.setUint32(12, packet.data.length, true);
  view.setUint32(16, packet.originalLength, true);
  body.set(packet.data, 20);
  body.set(encodedOptions, 20 + dataLength);
  return encodeBlock(BLOCK_ENHANCED_PACKET, body);
}
