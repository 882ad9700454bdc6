import type { Direction } from '../../../shared/model/wire.js';

/** Row kind bits the searcher is sent with each row: a message row, sent by the server, and its opcode above them. */
export const ROW_MESSAGE = 1;
export const ROW_S2C = 2;
export const ROW_OPCODE_SHIFT = 2;

export const rowKind = (message: boolean, dir: Direction, opcode: number): number =>
  (message ? ROW_MESSAGE : 0) | (dir === 's2c' ? ROW_S2C : 0) | (opcode << ROW_OPCODE_SHIFT);
