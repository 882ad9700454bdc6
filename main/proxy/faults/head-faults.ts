import type { ProxyFaults } from '../../../shared/api/contract.js';
import type { InjectedFault } from '../../../shared/model/fault.js';
import { rewriteRequestHead } from '../head-rewrite.js';

/**
 * The upgrade request as a misconfigured gateway would forward it: as HTTP/1.0 without keep-alive (nginx's default
 * `proxy_http_version`), and/or without the hop-by-hop Upgrade and Connection headers. Returns the head to send and
 * the faults to record (none when the head is unchanged).
 */
export function applyHeadFaults(
  head: string,
  faults: ProxyFaults | undefined,
): { head: string; applied: InjectedFault[] } {
  const applied: InjectedFault[] = [];
  let out = head;
  if (faults?.downgradeHttp10) {
    applied.push({ kind: 'downgrade-http10' });
    out = rewriteRequestHead(out, {
      version: '1.0',
      editValue: (name, value) => {
        if (name !== 'connection') return undefined;
        const kept = value
          .split(',')
          .map((token) => token.trim())
          .filter((token) => token !== '' && token.toLowerCase() !== 'keep-alive');
        return kept.length > 0 ? kept.join(', ') : null;
      },
    });
  }
  if (faults?.stripUpgrade) {
    applied.push({ kind: 'strip-upgrade' });
    out = rewriteRequestHead(out, { drop: ['upgrade', 'connection'] });
  }
  return { head: out, applied };
}
