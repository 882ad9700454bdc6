import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { captureIo, freePort } from '../../helpers/cli-io.js';
import { parseProxyArgs } from '../../../main/cli/commands/proxy.js';
import { runCli } from '../../../main/cli/wsi.js';
import type { RunningWsServer } from '../../helpers/ws-servers.js';
import { startEchoServer } from '../../helpers/ws-servers.js';

let server: RunningWsServer;
beforeAll(async () => {
  server = await startEchoServer();
});
afterAll(() => server.close());

describe('wsi proxy fault flags', () => {
  it('turns the flags into the API faults', () => {
    const args = parseProxyArgs([
      '--target',
      'ws://x',
      '--idle-timeout',
      '5',
      '--idle-drop',
      'rst',
      '--max-lifetime',
      '30',
      '--reject-upgrades',
      '25:429',
      '--drop-after-upgrade',
      '10',
    ]);
    expect(args !== 'help' && args.faults).toEqual({
      idleTimeoutMs: 5000,
      idleDrop: 'rst',
      maxLifetimeMs: 30_000,
      rejectUpgradePercent: 25,
      rejectStatus: 429,
      dropAfterUpgradePercent: 10,
    });
  });

  it('turns the message-level flags into the API faults', () => {
    const args = parseProxyArgs([
      '--target',
      'ws://x',
      '--downgrade-http10',
      '--strip-upgrade',
      '--suppress-pongs',
      'both',
      '--drop-messages',
      'c2s:json:$.type=auth',
      '--drop-messages',
      'regex:^\\d+$',
      '--delay',
      'c2s:100:20',
      '--delay',
      's2c:5',
      '--bandwidth',
      '64k',
      '--close-after',
      '10:4000:bye: now',
    ]);
    expect(args !== 'help' && args.faults).toEqual({
      downgradeHttp10: true,
      stripUpgrade: true,
      suppressPongs: 'both',
      dropMessages: [
        { direction: 'c2s', rule: { jsonPath: '$.type', equals: 'auth' } },
        { direction: 'both', rule: { regex: '^\\d+$' } },
      ],
      delay: { c2s: { ms: 100, jitterMs: 20 }, s2c: { ms: 5 } },
      bandwidth: { c2s: 65_536, s2c: 65_536 },
      closeAfter: { messages: 10, code: 4000, reason: 'bye: now' },
    });
  });

  it.each([
    [['--suppress-pongs', 'up'], /--suppress-pongs must be c2s, s2c or both, got "up"/],
    [['--drop-messages', 'c2s:regex:('], /--drop-messages "c2s:regex:\(": invalid regex/],
    [['--drop-messages', 'hello'], /a rule is opcode:NAME, contains:TEXT/],
    [['--delay', 'soon'], /--delay "soon": MS must be a whole number, got "soon"/],
    [['--delay', '5', '--delay', 'c2s:9'], /--delay given twice for c2s/],
    [['--bandwidth', 'fast'], /--bandwidth "fast": a bandwidth is a number of bytes per second/],
    [['--close-after', '3'], /--close-after "3": close-after is N:CODE\[:REASON\]/],
    [['--close-after', '3:1006'], /close code that may be sent/],
  ])('rejects message-level fault %j with exit 2', async (argv, message) => {
    const io = captureIo();
    expect(await runCli(['proxy', '--target', 'ws://x', ...argv], io)).toBe(2);
    expect(io.err_.join('\n')).toMatch(message);
  });

  it.each([
    [['--idle-timeout', '0'], /--idle-timeout must be a positive number/],
    [['--idle-timeout', '5', '--idle-drop', 'boom'], /--idle-drop must be fin or rst/],
    [['--idle-drop', 'rst'], /--idle-drop needs --idle-timeout/],
    [['--max-lifetime', 'soon'], /--max-lifetime must be a positive number/],
    [['--reject-upgrades', '120'], /--reject-upgrades must be a percentage/],
    [['--reject-upgrades', '50:200'], /STATUS must be an HTTP status from 400 to 599/],
    [['--drop-after-upgrade', 'many'], /--drop-after-upgrade must be a percentage/],
    [['--reject-upgrades', '60', '--drop-after-upgrade', '50'], /at most 100/],
  ])('rejects %j with exit 2', async (argv, message) => {
    const io = captureIo();
    expect(await runCli(['proxy', '--target', 'ws://x', ...argv], io)).toBe(2);
    expect(io.err_.join('\n')).toMatch(message);
  });

  it('prints the injected idle-timeout fault', async () => {
    const port = await freePort();
    const io = captureIo();
    const running = runCli(
      [
        'proxy',
        '--target',
        server.url,
        '--listen',
        `127.0.0.1:${port}`,
        '--idle-timeout',
        '0.5',
        '--duration',
        '1.5',
      ],
      io,
    );
    while (!io.out_.some((line) => line.includes('listening on')))
      await new Promise((r) => setTimeout(r, 20));
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    const code = await new Promise<number>((resolve) => ws.once('close', resolve));
    expect(code).toBe(1006);
    expect(await running).toBe(0);
    expect(io.out_.join('\n')).toMatch(
      /^c\d+ .*! fault injected by the inspector: idle timeout 500 ms, TCP FIN to both sides$/m,
    );
  });
});
