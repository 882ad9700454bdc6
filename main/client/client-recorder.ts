import type { ConnectionRecorder, ConnectionIdentity } from '../capture/connection-recorder.js';

/** What a client connection reports to its recording: the bytes of its socket and the facts beside them. */
export type ClientRecorder = Pick<
  ConnectionRecorder,
  'conn' | 'onBytes' | 'mark' | 'tlsEstablished' | 'tcp' | 'error' | 'action' | 'end'
>;

/** A client connection's identity, as its `connection` record carries it. */
export type ClientIdentity = Omit<ConnectionIdentity, 'mode' | 'peer' | 'target'> & { conn: string };

/** Makes the recorder of a new client connection (the capture pipeline's, or one parsing on this thread). */
export type ClientRecorderFactory = (identity: ClientIdentity) => ClientRecorder;
