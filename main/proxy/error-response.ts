/** The plain-text responses the proxy itself sends when it cannot give the client the upstream's real answer. */

export interface ProxyErrorResponse {
  status: 400 | 502 | 504;
  /** Bytes for the socket. */
  bytes: Buffer;
}

const reasons = { 400: 'Bad Request', 502: 'Bad Gateway', 504: 'Gateway Timeout' } as const;

export function errorResponse(status: 400 | 502 | 504, message: string): ProxyErrorResponse {
  const body = Buffer.from(`websocket-inspector proxy: ${message}\n`, 'utf8');
  const head =
    `HTTP/1.1 ${status} ${reasons[status]}\r\n` +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${body.length}\r\n` +
    'Connection: close\r\n' +
    '\r\n';
  return { status, bytes: Buffer.concat([Buffer.from(head, 'latin1'), body]) };
}
