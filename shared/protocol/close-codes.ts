/** Close status codes (RFC 6455 §7.4, IANA "WebSocket Close Code Number Registry"). */
export type CloseCodeOnWire = 'allowed' | 'never' | 'reserved' | 'invalid';
export type CloseCodeRange = 'protocol' | 'registered' | 'private' | 'unused';

export interface CloseCodeInfo {
  name: string;
  meaning: string;
  onWire: CloseCodeOnWire;
  range: CloseCodeRange;
}

const KNOWN: Readonly<Record<number, Omit<CloseCodeInfo, 'range'>>> = {
  1000: {
    name: 'Normal Closure',
    meaning: 'The purpose of the connection was fulfilled.',
    onWire: 'allowed',
  },
  1001: {
    name: 'Going Away',
    meaning: 'The endpoint is going away: a server shutting down or a browser leaving the page.',
    onWire: 'allowed',
  },
  1002: { name: 'Protocol Error', meaning: 'The peer broke the WebSocket protocol.', onWire: 'allowed' },
  1003: {
    name: 'Unsupported Data',
    meaning: 'The endpoint received a type of data it cannot accept (e.g. binary when it only takes text).',
    onWire: 'allowed',
  },
  1004: {
    name: 'Reserved',
    meaning: 'Reserved; its meaning may be defined in the future.',
    onWire: 'reserved',
  },
  1005: {
    name: 'No Status Received',
    meaning: 'Reported locally when a close frame carried no status code. Never sent in a frame.',
    onWire: 'never',
  },
  1006: {
    name: 'Abnormal Closure',
    meaning: 'Reported locally when the connection ended without a close frame. Never sent in a frame.',
    onWire: 'never',
  },
  1007: {
    name: 'Invalid Frame Payload Data',
    meaning: 'A message held data inconsistent with its type, such as invalid UTF-8 in a text message.',
    onWire: 'allowed',
  },
  1008: {
    name: 'Policy Violation',
    meaning: 'A message violated the endpoint’s policy (generic code when no better one fits).',
    onWire: 'allowed',
  },
  1009: {
    name: 'Message Too Big',
    meaning: 'A message was too big for the endpoint to process.',
    onWire: 'allowed',
  },
  1010: {
    name: 'Mandatory Extension',
    meaning: 'The client expected the server to negotiate an extension it did not.',
    onWire: 'allowed',
  },
  1011: {
    name: 'Internal Error',
    meaning: 'The server hit an unexpected condition that stopped it from fulfilling the request.',
    onWire: 'allowed',
  },
  1012: { name: 'Service Restart', meaning: 'The service is restarting.', onWire: 'allowed' },
  1013: {
    name: 'Try Again Later',
    meaning: 'Temporary condition, e.g. overload; try again later.',
    onWire: 'allowed',
  },
  1014: {
    name: 'Bad Gateway',
    meaning: 'A gateway or proxy received an invalid response from the upstream server.',
    onWire: 'allowed',
  },
  1015: {
    name: 'TLS Handshake',
    meaning: 'Reported locally when the TLS handshake failed. Never sent in a frame.',
    onWire: 'never',
  },
};

export function closeCodeRange(code: number): CloseCodeRange {
  if (code >= 1000 && code <= 2999) return 'protocol';
  if (code >= 3000 && code <= 3999) return 'registered';
  if (code >= 4000 && code <= 4999) return 'private';
  return 'unused';
}

export function describeCloseCode(code: number): CloseCodeInfo {
  const range = closeCodeRange(code);
  const known = Number.isInteger(code) ? KNOWN[code] : undefined;
  if (known) return { ...known, range };
  switch (range) {
    case 'protocol':
      return {
        name: 'Unassigned',
        meaning: 'Reserved for future versions of the WebSocket protocol; not valid on the wire today.',
        onWire: 'invalid',
        range,
      };
    case 'registered':
      return {
        name: 'Registered (library/framework)',
        meaning: 'Registered with IANA for use by libraries, frameworks and applications.',
        onWire: 'allowed',
        range,
      };
    case 'private':
      return {
        name: 'Private use',
        meaning: 'Application-defined; its meaning is agreed between the two ends.',
        onWire: 'allowed',
        range,
      };
    default:
      return {
        name: 'Invalid',
        meaning: 'Outside every range the protocol defines (0-999 and 5000 up are not used).',
        onWire: 'invalid',
        range,
      };
  }
}

/** Whether a conforming endpoint may send this code in a close frame (RFC 6455 §7.4.1, §7.4.2). */
export function isValidWireCloseCode(code: number): boolean {
  return describeCloseCode(code).onWire === 'allowed';
}
