import { describe, expect, it } from 'vitest';
import type { HeldMessage } from '../../../shared/api/contract.js';
import { createInspectorStore } from '../../../renderer/src/store/create-store.js';
import { createFakeApi } from './fake-api.js';

const held: HeldMessage = {
  id: 'c1-h1',
  conn: 'c1',
  url: 'ws://127.0.0.1:9/feed',
  direction: 's2c',
  opcode: 1,
  size: 5,
  compressed: false,
  rule: 'messages containing "hello"',
  base64: Buffer.from('hello').toString('base64'),
  truncated: false,
  heldAt: 0,
  timeoutAt: 60_000,
  onTimeout: 'forward',
  queued: 2,
};

describe('held messages in the store', () => {
  it('shows what the core pushes, releases through the contract, keeps the breakpoints set', async () => {
    const fake = createFakeApi();
    const store = createInspectorStore(fake.api, { schedule: (fn) => fn() });
    await store.start();
    expect(store.getState().held).toEqual([]);
    fake.emit('held', [held]);
    expect(store.getState().held).toEqual([held]);

    expect(await store.getState().releaseHeld({ id: 'c1-h1', action: 'drop' })).toBe(true);
    expect(fake.calls).toContainEqual({ method: 'releaseHeld', payload: { id: 'c1-h1', action: 'drop' } });
    expect(store.getState().held).toEqual([]);

    const settings = { rules: [{ direction: 'c2s' as const, rule: { contains: 'auth' } }], timeoutMs: 5000 };
    expect(await store.getState().setBreakpoints(settings)).toBe(true);
    expect(fake.calls).toContainEqual({ method: 'setBreakpoints', payload: settings });
    expect(store.getState().breakpoints).toEqual(settings);
    store.dispose();
  });
});
