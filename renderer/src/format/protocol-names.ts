import { describeCloseCode } from '../../../shared/protocol/close-codes.js';
import { opcodeName as protocolOpcodeName } from '../../../shared/protocol/opcodes.js';
import { violationInfo } from '../../../shared/protocol/violations.js';

export function opcodeName(opcode: number): string {
  return protocolOpcodeName(opcode);
}

/** Registry name of a close code, e.g. "Normal Closure" or "Private use". */
export function closeCodeMeaning(code: number): string {
  return describeCloseCode(code).name;
}

/** Plain-words title of a violation code from the protocol table; the code itself when unknown. */
export function violationTitle(code: string): string {
  return violationInfo(code)?.title ?? code;
}
