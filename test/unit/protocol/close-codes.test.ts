import { describe, expect, it } from 'vitest';
import { describeCloseCode, isValidWireCloseCode } from '../../../shared/protocol/close-codes.js';

describe('describeCloseCode', () => {
  it.each([
    [1000, 'Normal Closure', 'allowed'],
    [1001, 'Going Away', 'allowed'],
    [1002, 'Protocol Error', 'allowed'],
    [1003, 'Unsupported Data', 'allowed'],
    [1004, 'Reserved', 'reserved'],
    [1005, 'No Status Received', 'never'],
    [1006, 'Abnormal Closure', 'never'],
    [1007, 'Invalid Frame Payload Data', 'allowed'],
    [1008, 'Policy Violation', 'allowed'],
    [1009, 'Message Too Big', 'allowed'],
    [1010, 'Mandatory Extension', 'allowed'],
    [1011, 'Internal Error', 'allowed'],
    [1012, 'Service Restart', 'allowed'],
    [1013, 'Try Again Later', 'allowed'],
    [1014, 'Bad Gateway', 'allowed'],
    [1015, 'TLS Handshake', 'never'],
  ] as const)('%i is %s (%s on the wire)', (code, name, onWire) => {
    const info = describeCloseCode(code);
    expect(info).toMatchObject({ name, onWire, range: 'protocol' });
    expect(info.meaning.length).toBeGreaterThan(10);
    expect(isValidWireCloseCode(code)).toBe(onWire === 'allowed');
  });

  it.each([
    [0, 'unused', 'invalid'],
    [999, 'unused', 'invalid'],
    [1016, 'protocol', 'invalid'],
    [2999, 'protocol', 'invalid'],
    [3000, 'registered', 'allowed'],
    [3999, 'registered', 'allowed'],
    [4000, 'private', 'allowed'],
    [4999, 'private', 'allowed'],
    [5000, 'unused', 'invalid'],
    [65535, 'unused', 'invalid'],
    [-1, 'unused', 'invalid'],
    [1000.5, 'protocol', 'invalid'],
  ] as const)('%i is in range %s, %s on the wire', (code, range, onWire) => {
    expect(describeCloseCode(code)).toMatchObject({ range, onWire });
    expect(isValidWireCloseCode(code)).toBe(onWire === 'allowed');
  });
});
