/** The plain-text responses the proxy itself sends when it cannot give the client the upstream's real answer. */

export interface ProxyErrorResponse {
  status: number;
  /** Bytes for the socket. */
  bytes: Buffer;
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** `status` is 400, 502 or 504 for the proxy's own failures; any 4xx/5xx for an injected upgrade rejection. */
export function errorResponse(status: number, message: string): ProxyErrorResponse {
  const body = Buffer.from(`websocket-inspector proxy: ${message}\n`, 'utf8');
  const head =
    `HTTP/1.1 ${status} ${reasons[status] ?? 'Error'}\r\n` +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${body.length}\r\n` +
    'Connection: close\r\n' +
    '\r\n';
  return { status, bytes: Buffer.concat([Buffer.from(head, 'latin1'), body]) };
}
