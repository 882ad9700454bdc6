import type { HandshakeTiming, HttpHeader } from '../model/handshake.js';
import type { HarCookie, HarNameValue, HarTimings } from './har-types.js';

const headerValues = (headers: readonly HttpHeader[], name: string): string[] =>
  headers.filter((h) => h.name.toLowerCase() === name).map((h) => h.value);

export const firstHeader = (headers: readonly HttpHeader[], name: string): string | undefined =>
  headerValues(headers, name.toLowerCase())[0];

export const harHeaders = (headers: readonly HttpHeader[]): HarNameValue[] =>
  headers.map(({ name, value }) => ({ name, value }));

/** Cookies sent in Cookie request headers, in order. */
export function requestCookies(headers: readonly HttpHeader[]): HarCookie[] {
  return headerValues(headers, 'cookie').flatMap((value) =>
    value
      .split(';')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => {
        const eq = part.indexOf('=');
        return eq < 0 ? { name: part, value: '' } : { name: part.slice(0, eq), value: part.slice(eq + 1) };
      }),
  );
}

/** Cookies set by Set-Cookie response headers, with the attributes HAR has fields for. */
export function responseCookies(headers: readonly HttpHeader[]): HarCookie[] {
  return headerValues(headers, 'set-cookie').map((value) => {
    const [pair = '', ...attributes] = value.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const cookie: HarCookie =
      eq < 0 ? { name: pair, value: '' } : { name: pair.slice(0, eq), value: pair.slice(eq + 1) };
    for (const attribute of attributes) {
      const aeq = attribute.indexOf('=');
      const key = (aeq < 0 ? attribute : attribute.slice(0, aeq)).toLowerCase();
      const val = aeq < 0 ? '' : attribute.slice(aeq + 1);
      if (key === 'path') cookie.path = val;
      else if (key === 'domain') cookie.domain = val;
      else if (key === 'expires') cookie.expires = val;
      else if (key === 'httponly') cookie.httpOnly = true;
      else if (key === 'secure') cookie.secure = true;
    }
    return cookie;
  });
}

const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;
const phase = (from: number, to: number | undefined): number =>
  to === undefined ? 0 : round3(Math.max(0, to - from));

/**
 * HAR timings from the handshake timing, whose fields are cumulative ms since the attempt started. HAR wants
 * durations: dns/connect/ssl are -1 when the phase did not happen; connect includes ssl (HAR 1.2).
 */
export function harTimings(timing: HandshakeTiming | undefined): HarTimings {
  const t = timing ?? {};
  const afterDns = t.dnsMs ?? 0;
  const connected = t.tlsMs ?? t.tcpConnectMs;
  const beforeSend = connected ?? afterDns;
  return {
    blocked: -1,
    dns: t.dnsMs !== undefined ? round3(t.dnsMs) : -1,
    connect: connected !== undefined ? phase(afterDns, connected) : -1,
    ssl: t.tlsMs !== undefined ? phase(t.tcpConnectMs ?? afterDns, t.tlsMs) : -1,
    send: phase(beforeSend, t.requestSentMs),
    wait: phase(t.requestSentMs ?? beforeSend, t.firstByteMs),
    receive: phase(t.firstByteMs ?? t.requestSentMs ?? beforeSend, t.headersCompleteMs),
  };
}

/** Entry `time`: the sum of the phases that happened (ssl is inside connect). */
export function totalTime(timings: HarTimings): number {
  const parts = [timings.dns, timings.connect, timings.send, timings.wait, timings.receive];
  return round3(parts.filter((p) => p > 0).reduce((sum, p) => sum + p, 0));
}
