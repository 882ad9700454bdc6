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

/** The certificate a TLS server presented, as far as it matters for debugging. */
export interface CertificateSummary {
  /** Distinguished names, one `KEY=value` per attribute, comma separated ("CN=example.com, O=Example"). */
  subject: string;
  issuer: string;
  /** ISO 8601. */
  validFrom: string;
  validTo: string;
  /** As OpenSSL prints it ("DNS:example.com, IP Address:127.0.0.1"). */
  subjectAltName?: string;
  /** SHA-256 of the DER certificate, colon-separated hex. */
  fingerprint256: string;
}

/** TLS on one leg, as negotiated once its handshake completed. */
export interface TlsSummary {
  /** "TLSv1.3", "TLSv1.2". */
  protocol: string;
  /** Standard (IANA) cipher suite name. */
  cipher: string;
  /** The ALPN protocol agreed on, if any ("http/1.1"). */
  alpn?: string;
  /** The host name the certificate was checked against (sent as SNI unless it is an IP address). */
  servername: string;
  /**
   * The certificate chains to a trusted CA and names `servername`. False only where invalid certificates were
   * accepted on request (`--insecure`), with the reason in `authorizationError`.
   */
  authorized: boolean;
  authorizationError?: string;
  certificate?: CertificateSummary;
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
