/** One header line exactly as it was on the wire: original case, original order, duplicates kept. */
export interface HttpHeader {
  name: string;
  value: string;
}

export interface HttpRequestHead {
  method: string;
  target: string;
  /** As written on the request line, e.g. "1.1" or "1.0". */
  httpVersion: string;
  headers: HttpHeader[];
  /** The head as bytes (latin1 string), request line through the blank line. */
  raw: string;
}

export interface HttpResponseHead {
  httpVersion: string;
  status: number;
  statusText: string;
  headers: HttpHeader[];
  raw: string;
}

/** Result of checking Sec-WebSocket-Accept against the request's Sec-WebSocket-Key. */
export type AcceptCheck = 'ok' | 'mismatch' | 'missing' | 'not-applicable';

/** Milliseconds from the start of the attempt (the `connection` record's t). Absent phases did not happen. */
export interface HandshakeTiming {
  dnsMs?: number;
  tcpConnectMs?: number;
  tlsMs?: number;
  requestSentMs?: number;
  firstByteMs?: number;
  headersCompleteMs?: number;
}

export interface NegotiatedExtension {
  name: string;
  params: Record<string, string | true>;
}

/** A capped byte payload: base64 of the first `data` bytes, with the true size. */
export interface CappedBytes {
  base64: string;
  size: number;
  truncated: boolean;
}
