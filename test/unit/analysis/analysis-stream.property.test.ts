import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnalysisStream, analyzeSession } from '../../../shared/analysis/index.js';
import { header } from './builders.js';
import { sessionArb } from './random-session.js';

describe('AnalysisStream on random sessions', () => {
  it('equals analyzeSession on the same records', () => {
    fc.assert(
      fc.property(sessionArb, fc.boolean(), (events, ended) => {
        const options = { recordingEnded: ended, idleThresholdMs: 30_000 };
        const stream = new AnalysisStream(options);
        for (const event of events) stream.push(event);
        expect(stream.result(header)).toEqual(analyzeSession({ header, events }, options));
      }),
      { numRuns: 300 },
    );
  });
});
