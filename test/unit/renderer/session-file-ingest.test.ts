import { describe, expect, it } from 'vitest';
import type { FromSessionReader, ToSessionReader } from '../../../renderer/src/session/open-protocol.js';
import type { Ingest } from '../../../renderer/src/store/ingest.js';
import type { SessionFileTarget } from '../../../renderer/src/store/session-file-ingest.js';
import { ingestSessionFile } from '../../../renderer/src/store/session-file-ingest.js';
import type { SessionStreamProgress } from '../../../renderer/src/store/session-stream-ingest.js';
import { frame } from './fake-api.js';

/** A worker the test answers for: what the page asked of it, and a way to reply. */
class FakeReader {
  readonly asked: ToSessionReader[] = [];
  onmessage: ((event: MessageEvent<FromSessionReader>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  postMessage(request: ToSessionReader): void {
    this.asked.push(request);
  }
  terminate(): void {}
  reply(data: FromSessionReader): void {
    this.onmessage!({ data } as MessageEvent<FromSessionReader>);
  }
}

/** A store whose ingest applies everything at once (nothing is ever left queued). */
function target(): SessionFileTarget {
  const ingest: Ingest = {
    push: () => undefined,
    pushChunk: () => undefined,
    flush: () => undefined,
    afterApplied: (then) => then(),
    resetSource: () => undefined,
  };
  return {
    ingest,
    nextSourceId: () => 'file1',
    putSource: () => undefined,
    removeSource: () => undefined,
    connectionsOf: () => [],
    select: () => undefined,
    notify: () => undefined,
    setAnalysis: () => undefined,
    sealSource: () => undefined,
  };
}

describe('ingestSessionFile', () => {
  it('says it is analysing once the rows are in, even when they were already in the store when the reader ended', async () => {
    const workers: FakeReader[] = [];
    const progress: SessionStreamProgress[] = [];
    const file = new File(['{"format":"wsi-session"}\n'], 'small.jsonl');
    const opened = ingestSessionFile(target(), file, { onProgress: (p) => progress.push(p) }, () => {
      const worker = new FakeReader();
      workers.push(worker);
      return worker as unknown as Worker;
    });
    const [rows, analyser] = workers;
    rows!.reply({
      type: 'batch',
      bytesRead: 10,
      items: [{ events: [frame('c1', 1, 's2c', 1, 'hi')] }],
      problems: [],
    });
    rows!.reply({ type: 'done', bytesRead: file.size, lines: 2, pastHeader: true, analyses: [] });

    expect(analyser!.asked).toEqual([{ type: 'read', file, rows: false, analyse: true }]);
    expect(progress.at(-1)).toMatchObject({ events: 1, analysing: true });

    analyser!.reply({ type: 'done', bytesRead: file.size, lines: 2, pastHeader: true, analyses: [] });
    expect(await opened).toMatchObject({ status: 'done', events: 1 });
  });
});
