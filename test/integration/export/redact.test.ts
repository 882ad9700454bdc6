import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/wsi.js';
import { analyzeSession } from '../../../shared/analysis/index.js';
import { parseSession } from '../../../shared/session/parse.js';
import { fromBase64 } from '../../../shared/util/base64.js';
import { captureIo } from '../../helpers/cli-io.js';
import { startEchoServer, type RunningWsServer } from '../../helpers/ws-servers.js';

const exec = promisify(execFile);
const TSHARK = ['/usr/bin/tshark', '/usr/local/bin/tshark'].find((path) => existsSync(path));

const SECRETS = {
  query: 'QUERYSECRET1',
  header: 'HEADERSECRET2',
  cookie: 'COOKIESECRET3',
  json: 'JSONSECRET4',
  path: 'PATHSECRET5',
  regex: 'ORDER-99887766',
  custom: 'CUSTOMSECRET6',
};
const MESSAGE = JSON.stringify({
  password: SECRETS.json,
  user: { name: 'ann', pin: SECRETS.path },
  note: `see ${SECRETS.regex}`,
});

const dir = mkdtempSync(join(tmpdir(), 'wsi-redact-'));
const session = join(dir, 'secret.jsonl');
const out = {
  jsonl: join(dir, 'shared.jsonl'),
  har: join(dir, 'shared.har'),
  pcapng: join(dir, 'shared.pcapng'),
};
const plain = { har: join(dir, 'plain.har'), pcapng: join(dir, 'plain.pcapng') };
let server: RunningWsServer;
let report: string[];

/** The session file with every base64 payload decoded beside it, so a secret inside a payload is seen too. */
function sessionText(path: string): string {
  const text = readFileSync(path, 'utf8');
  const decoded = [...text.matchAll(/"data":"([A-Za-z0-9+/=]*)"/g)].map((m) =>
    Buffer.from(fromBase64(m[1]!) ?? new Uint8Array()).toString('utf8'),
  );
  return [text, ...decoded].join('\n');
}

/** What tshark shows of a pcapng, client frames unmasked (-V prints the unmasked payload). */
async function tsharkText(path: string): Promise<string> {
  const { stdout } = await exec(TSHARK!, ['-r', path, '-d', `tcp.port==${server.port},http`, '-V'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

beforeAll(async () => {
  server = await startEchoServer();
  const io = captureIo();
  const code = await runCli(
    [
      'connect',
      `${server.url}/feed?room=5&token=${SECRETS.query}`,
      '-H',
      `Authorization: Bearer ${SECRETS.header}`,
      '-H',
      `Cookie: sid=${SECRETS.cookie}`,
      '-H',
      `X-Tenant-Key: ${SECRETS.custom}`,
      '--send',
      MESSAGE,
      '--duration',
      '1',
      '--out',
      session,
    ],
    io,
  );
  expect(code, io.err_.join('\n')).toBe(0);
  expect(await runCli(['export', session, '--har', plain.har, '--pcapng', plain.pcapng], captureIo())).toBe(
    0,
  );
  const redact = captureIo();
  const exported = await runCli(
    [
      'export',
      session,
      '--redact',
      '--redact-header',
      'X-Tenant-Key',
      '--redact-json-field',
      '$.user.pin',
      '--redact-regex',
      'ORDER-\\d+',
      '--out',
      out.jsonl,
      '--har',
      out.har,
      '--pcapng',
      out.pcapng,
    ],
    redact,
  );
  expect(exported, redact.err_.join('\n')).toBe(0);
  report = redact.out_;
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('wsi export --redact on a real recorded session', () => {
  it('the unredacted outputs hold every secret (so the searches below can find them)', async () => {
    const all = [sessionText(session), readFileSync(plain.har, 'utf8')].join('\n');
    for (const secret of Object.values(SECRETS)) expect(all, secret).toContain(secret);
    if (TSHARK) {
      const pcap = await tsharkText(plain.pcapng);
      for (const secret of Object.values(SECRETS)) expect(pcap, secret).toContain(secret);
    }
  });

  it('the session file, HAR and pcapng hold none of them', async () => {
    const shared = [
      sessionText(out.jsonl),
      readFileSync(out.har, 'utf8'),
      readFileSync(out.pcapng).toString('latin1'),
    ];
    if (TSHARK) shared.push(await tsharkText(out.pcapng));
    for (const text of shared)
      for (const secret of Object.values(SECRETS)) expect(text, secret).not.toContain(secret);
  });

  it('says which rules were applied and how many values each replaced, on the terminal and in each file', () => {
    const line = report.find((l) => l.startsWith('wsi export: Redacted for sharing'));
    expect(line).toContain('header:Authorization replaced 1');
    expect(line).toContain('header:X-Tenant-Key replaced 1');
    expect(line).toContain('json:$.user.pin replaced 2'); // sent, and echoed back
    expect(line).toContain('regex:ORDER-\\d+ replaced 2');
    const { session: redacted, problems } = parseSession(readFileSync(out.jsonl, 'utf8'));
    expect(problems).toEqual([]);
    expect(redacted.header.redaction?.rules).toContainEqual({ rule: 'json:password', replaced: 2 });
    const har = JSON.parse(readFileSync(out.har, 'utf8')) as {
      log: { _wsiRedaction: unknown; comment: string };
    };
    expect(har.log._wsiRedaction).toEqual(redacted.header.redaction);
    // The pcapng section header's comment.
    expect(readFileSync(out.pcapng).toString('latin1')).toContain(
      'Redacted for sharing (same-length masks): ',
    );
  });

  it('the redacted session file analyses like the original: same connections, frames, bytes and findings', () => {
    const [before, after] = [session, out.jsonl].map((path) =>
      analyzeSession(parseSession(readFileSync(path, 'utf8')).session),
    );
    const facts = (a: typeof before) => ({
      connections: a!.connections.map(({ url: _url, ...rest }) => rest),
      findings: a!.findings.map((f) => f.id),
    });
    expect(facts(after)).toEqual(facts(before));
    expect(after!.connections[0]!.framesOut).toBeGreaterThan(0);
  });

  it('bad rules are refused before anything is written', async () => {
    const io = captureIo();
    expect(await runCli(['export', session, '--redact-regex', '(', '--out', join(dir, 'x.jsonl')], io)).toBe(
      2,
    );
    expect(io.err_[0]).toMatch(/regex "\(" is invalid/);
    expect(existsSync(join(dir, 'x.jsonl'))).toBe(false);
  });
});
