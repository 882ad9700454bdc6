import { describe, expect, it } from 'vitest';
import { ConnectionLog } from '../../../renderer/src/store/hot-log.js';
import { payloadPreview, rowModel } from '../../../renderer/src/ui/row-model.js';
import { closeFrame, frame, message } from './fake-api.js';

describe('rowModel', () => {
  it('describes a masked client text frame', () => {
    const log = new ConnectionLog();
    const event = frame('c1', 5, 'c2s', 1, 'hello');
    log.append(event);
    expect(rowModel(event, log)).toMatchObject({
      kind: 'frame',
      dir: 'c2s',
      opcodeLabel: 'text',
      flags: { fin: true, rsv1: false, masked: true },
      wireSize: 11,
      size: 5,
      preview: 'hello',
      violations: [],
    });
  });

  it('labels a fragmented message with its frame count and sums the frames on the wire', () => {
    const log = new ConnectionLog();
    const first = frame('c1', 1, 's2c', 1, 'ab', { fin: false });
    const second = frame('c1', 2, 's2c', 0, 'cd', { violations: ['RSV1_UNNEGOTIATED'] });
    log.append(first);
    log.append(second);
    const seqs = [first, second].map((e) => (e.type === 'frame' ? e.frame.seq : -1));
    const assembled = message('c1', 2, 's2c', 7, seqs, 'abcd');
    expect(rowModel(assembled, log)).toMatchObject({
      kind: 'message',
      opcodeLabel: 'text ×2',
      wireSize: 8,
      size: 4,
      preview: 'abcd',
      violations: ['RSV1_UNNEGOTIATED'],
      id: 7,
    });
  });

  it('previews close frames by code and reason and binary as hex', () => {
    const log = new ConnectionLog();
    const close = closeFrame('c1', 3, 's2c', 4001, 'bye');
    expect(rowModel(close, log)?.preview).toBe('4001 bye');
    expect(payloadPreview(btoa('\u00de\u00ad'), 2)).toBe('de ad');
    expect(payloadPreview('', 8, {})).toBe('(no status code)');
  });

  it('clips a huge single-line text payload in the preview', () => {
    const huge = btoa('y'.repeat(300_000));
    expect(payloadPreview(huge, 1).length).toBeLessThanOrEqual(161);
  });
});
