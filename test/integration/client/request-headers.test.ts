import { afterEach, describe, expect, it } from 'vitest';
import { startRawServer, switchingProtocols, type RunningRawServer } from '../../helpers/raw-servers.js';
import { ofType, record } from './helpers.js';

let server: RunningRawServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Headers whose names differ only in case, one repeated after another header. */
const CASE_HEADERS = [
  { name: 'X-Dup', value: '1' },
  { name: 'x-dup', value: '2' },
  { name: 'X-Other', value: 'a' },
  { name: 'X-DUP', value: '3' },
];

/** The header lines of a raw request head named like x-dup or x-other, in order. */
const caseHeaderLines = (head: string): string[] =>
  head.split('\r\n').filter((line) => /^x-(dup|other):/i.test(line));

describe('request headers go out exactly as given', () => {
  it('names differing only in case, in order and case, through connect and storm', async () => {
    const heads: string[] = [];
    server = await startRawServer((socket, upgrade) => {
      heads.push(upgrade.head);
      socket.write(switchingProtocols(upgrade));
    });
    const rec = record();
    const { conn } = await rec.inspector.connect({ url: server.url, headers: CASE_HEADERS });
    await rec.waitFor((e) => e.conn === conn && e.type === 'open');
    await rec.inspector.close({ conn, code: 1000 });
    const expected = ['X-Dup: 1', 'x-dup: 2', 'X-Other: a', 'X-DUP: 3'];
    expect(caseHeaderLines(heads[0] ?? '')).toEqual(expected);
    // The recorded request is what the server read.
    const recorded = ofType(rec.events, 'http-request').find((e) => e.conn === conn)?.head.headers ?? [];
    expect(recorded.filter((h) => /^x-(dup|other)$/i.test(h.name))).toEqual(CASE_HEADERS);

    await rec.inspector.storm({ url: server.url, count: 2, headers: CASE_HEADERS });
    await expect.poll(() => heads.length, { timeout: 5_000 }).toBe(3);
    for (const head of heads.slice(1)) expect(caseHeaderLines(head)).toEqual(expected);
    await rec.inspector.dispose();
  });
});
