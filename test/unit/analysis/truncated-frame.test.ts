import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeSession } from '../../../shared/analysis/index.js';
import { VIOLATION_CODES, violationInfo } from '../../../shared/protocol/violations.js';
import { conn, header } from './builders.js';

describe('TRUNCATED_FRAME (reported by the recorder)', () => {
  it('is in the violation table and documented like every other code', () => {
    expect(violationInfo('TRUNCATED_FRAME')).toMatchObject({ closeCode: 1006 });
    const doc = readFileSync(new URL('../../../docs/protocol-violations.md', import.meta.url), 'utf8');
    for (const code of VIOLATION_CODES) expect(doc).toMatch(new RegExp(`^\\| \`${code}\`\\s*\\|`, 'm'));
  });

  it('gets a protocol.violation finding with a plain title that does not blame a close code on the wire', () => {
    const b = conn('t').handshake().text(10, 's2c').violation(20, 's2c', 'TRUNCATED_FRAME', 1006);
    const finding = analyzeSession({ header, events: b.events }).findings.find(
      (f) => f.id === 'protocol.violation',
    );
    expect(finding?.title).toBe('Connection ended inside a frame (TRUNCATED_FRAME)');
    expect(finding?.detail).toContain('a browser reports 1006');
    expect(finding?.detail).not.toContain('broke RFC 6455');
    expect(finding?.fix).toMatch(/proxy|load balancer/);
  });
});
