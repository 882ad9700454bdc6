import { describe, expect, it } from 'vitest';
import {
  encodeOptions,
  enhancedPacketBlock,
  interfaceDescriptionBlock,
  LINKTYPE_RAW,
  sectionHeaderBlock,
} from '../../../shared/export/pcapng-blocks.js';
import { toHex } from '../../../shared/util/hex.js';

describe('pcapng blocks', () => {
  it('writes a Section Header Block with the magic numbers, version 1.0 and section length -1', () => {
    expect(toHex(sectionHeaderBlock())).toBe(
      '0a0d0d0a' + '1c000000' + '4d3c2b1a' + '0100' + '0000' + 'ffffffffffffffff' + '1c000000',
    );
  });

  it('pads option values to 4 bytes and ends the list with opt_endofopt', () => {
    expect(toHex(encodeOptions([{ code: 1, value: Uint8Array.of(0x61, 0x62, 0x63) }]))).toBe(
      '0100' + '0300' + '61626300' + '0000' + '0000',
    );
    expect(encodeOptions([])).toHaveLength(0);
  });

  it('writes SHB options (comment, application) inside the repeated length', () => {
    const block = sectionHeaderBlock({ comment: 'hi', application: 'wsi' });
    // 12 framing + 16 fixed + comment (4 + 4) + userappl (4 + 4) + end (4)
    expect(block).toHaveLength(48);
    expect(toHex(block.subarray(24, 44))).toBe('0100020068690000' + '0400030077736900' + '00000000');
    expect(toHex(block.subarray(44))).toBe('30000000');
  });

  it('writes an Interface Description Block for raw IPv4 with snaplen and µs resolution', () => {
    expect(toHex(interfaceDescriptionBlock({ linkType: LINKTYPE_RAW, snapLength: 262144 }))).toBe(
      '01000000' +
        '20000000' +
        '6500' +
        '0000' +
        '00000400' +
        '0900' +
        '0100' +
        '06000000' +
        '00000000' +
        '20000000',
    );
  });

  it('writes an Enhanced Packet Block: split 64-bit µs timestamp, lengths, data padded to 4', () => {
    const us = 1_700_000_000_123_456;
    const block = enhancedPacketBlock({
      interfaceId: 0,
      timestampUs: us,
      data: Uint8Array.of(1, 2, 3, 4, 5),
      originalLength: 5,
    });
    expect(block).toHaveLength(12 + 20 + 8);
    const view = new DataView(block.buffer);
    expect(view.getUint32(0, true)).toBe(6);
    expect(view.getUint32(4, true)).toBe(40);
    expect(view.getUint32(8, true)).toBe(0);
    expect(view.getUint32(12, true) * 2 ** 32 + view.getUint32(16, true)).toBe(us);
    expect(view.getUint32(20, true)).toBe(5);
    expect(view.getUint32(24, true)).toBe(5);
    expect(toHex(block.subarray(28, 36))).toBe('0102030405000000');
    expect(view.getUint32(36, true)).toBe(40);
  });

  it('records a shorter captured than original length, and a comment option, for truncated packets', () => {
    const block = enhancedPacketBlock({
      interfaceId: 0,
      timestampUs: 1,
      data: Uint8Array.of(9, 9, 9, 9),
      originalLength: 1000,
      comment: 'cut',
    });
    const view = new DataView(block.buffer);
    expect(view.getUint32(20, true)).toBe(4);
    expect(view.getUint32(24, true)).toBe(1000);
    expect(toHex(block.subarray(32, 44))).toBe('0100030063757400' + '00000000');
    expect(view.getUint32(4, true)).toBe(block.length);
    expect(view.getUint32(block.length - 4, true)).toBe(block.length);
  });
});
