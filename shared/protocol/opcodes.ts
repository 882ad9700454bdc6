/** WebSocket opcodes (RFC 6455 §5.2, §11.8). */
export const Opcode = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

export type OpcodeName =
  'continuation' | 'text' | 'binary' | 'close' | 'ping' | 'pong' | `reserved-${number}`;

const NAMES: readonly OpcodeName[] = [
  'continuation',
  'text',
  'binary',
  'reserved-3',
  'reserved-4',
  'reserved-5',
  'reserved-6',
  'reserved-7',
  'close',
  'ping',
  'pong',
  'reserved-11',
  'reserved-12',
  'reserved-13',
  'reserved-14',
  'reserved-15',
];

export function opcodeName(opcode: number): OpcodeName {
  return NAMES[opcode & 0x0f] ?? `reserved-${opcode}`;
}

/** Control frames are those with the high bit of the opcode set (0x8-0xF). */
export function isControl(opcode: number): boolean {
  return (opcode & 0x08) !== 0;
}

/** Opcodes 3-7 and 11-15 have no meaning without an extension that defines them. */
export function isReservedOpcode(opcode: number): boolean {
  return (opcode >= 0x3 && opcode <= 0x7) || opcode >= 0xb;
}

export function isDataStart(opcode: number): boolean {
  return opcode === Opcode.text || opcode === Opcode.binary;
}
