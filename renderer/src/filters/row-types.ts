/** The kinds of rows the type filter can keep, named as users know them. */
export const ROW_TYPES = ['text', 'binary', 'continuation', 'close', 'ping', 'pong'] as const;
export type RowType = (typeof ROW_TYPES)[number];

const TYPE_BY_OPCODE: Record<number, RowType> = {
  0: 'continuation',
  1: 'text',
  2: 'binary',
  8: 'close',
  9: 'ping',
  10: 'pong',
};

/** undefined for reserved opcodes: they are always shown, since they are protocol violations worth seeing. */
export const rowTypeOf = (opcode: number): RowType | undefined => TYPE_BY_OPCODE[opcode];

export const ROW_TYPE_LABELS: Record<RowType, string> = {
  text: 'text',
  binary: 'bin',
  continuation: 'cont',
  close: 'close',
  ping: 'ping',
  pong: 'pong',
};
