import type net from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RelayPipe } from '../../../main/proxy/relay-pipe.js';
import { concatBytes, encodeFrame } from '../../helpers/frame-encoder.js';

function pipe() {
  const from = new PassThrough();
  const to = new PassThrough();
  const written: Buffer[] = [];
  to.on('data', (chunk: Buffer) => written.push(chunk));
  const relay = new RelayPipe(from as unknown as net.Socket, to as unknown as net.Socket, {});
  return { relay, out: () => Buffer.concat(written) };
}

describe('RelayPipe.insertAtBoundary', () => {
  const first = Buffer.from(encodeFrame({ opcode: 1, payload: 'first message' }));
  const second = Buffer.from(encodeFrame({ opcode: 2, payload: new Uint8Array([1, 2, 3]) }));
  const inserted = Buffer.from(encodeFrame({ opcode: 1, payload: 'inserted' }));

  it('writes at once between frames, and after the frame in progress otherwise; the stream goes on', async () => {
    const { relay, out } = pipe();
    relay.insertAtBoundary(inserted);
    relay.accept(first.subarray(0, 5));
    relay.insertAtBoundary(inserted);
    relay.accept(Buffer.concat([first.subarray(5), second]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(out()).toEqual(Buffer.from(concatBytes([inserted, first, inserted, second])));
  });

  it('refuses a second insertion while one waits, and once the direction is out of the relay', () => {
    const { relay } = pipe();
    relay.accept(first.subarray(0, 3));
    relay.insertAtBoundary(inserted);
    expect(() => relay.insertAtBoundary(inserted)).toThrow(
      'an injected message is still waiting for a frame boundary',
    );
    relay.discard();
    expect(() => relay.insertAtBoundary(inserted)).toThrow('this direction of the connection is closed');
  });
});
