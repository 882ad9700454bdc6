/** A small pcapng reader for tests: written from the spec, independent of the exporter's block writer. */
export interface ReadBlock {
  type: number;
  totalLength: number;
  trailerLength: number;
  body: Uint8Array;
}

export function readBlocks(file: Uint8Array): ReadBlock[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const blocks: ReadBlock[] = [];
  let at = 0;
  while (at < file.length) {
    const type = view.getUint32(at, true);
    const totalLength = view.getUint32(at + 4, true);
    blocks.push({
      type,
      totalLength,
      trailerLength: view.getUint32(at + totalLength - 4, true),
      body: file.subarray(at + 8, at + totalLength - 4),
    });
    at += totalLength;
  }
  return blocks;
}

export interface ReadPacket {
  timestampUs: number;
  capturedLength: number;
  originalLength: number;
  data: Uint8Array;
  comments: string[];
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  ipTotalLength: number;
  tcpChecksum: number;
  payload: Uint8Array;
}

function readOptions(bytes: Uint8Array): { code: number; value: Uint8Array }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: { code: number; value: Uint8Array }[] = [];
  let at = 0;
  while (at + 4 <= bytes.length) {
    const code = view.getUint16(at, true);
    const length = view.getUint16(at + 2, true);
    if (code === 0) break;
    out.push({ code, value: bytes.subarray(at + 4, at + 4 + length) });
    at += 4 + ((length + 3) & ~3);
  }
  return out;
}

export function readPackets(file: Uint8Array): ReadPacket[] {
  return readBlocks(file)
    .filter((b) => b.type === 6)
    .map((b) => {
      const view = new DataView(b.body.buffer, b.body.byteOffset, b.body.byteLength);
      const capturedLength = view.getUint32(12, true);
      const data = b.body.subarray(20, 20 + capturedLength);
      const options = readOptions(b.body.subarray(20 + ((capturedLength + 3) & ~3)));
      const ip = new DataView(data.buffer, data.byteOffset, data.byteLength);
      return {
        timestampUs: view.getUint32(4, true) * 2 ** 32 + view.getUint32(8, true),
        capturedLength,
        originalLength: view.getUint32(16, true),
        data,
        comments: options.filter((o) => o.code === 1).map((o) => new TextDecoder().decode(o.value)),
        src: Array.from(data.subarray(12, 16)).join('.'),
        dst: Array.from(data.subarray(16, 20)).join('.'),
        srcPort: ip.getUint16(20),
        dstPort: ip.getUint16(22),
        seq: ip.getUint32(24),
        ack: ip.getUint32(28),
        flags: ip.getUint8(33),
        ipTotalLength: ip.getUint16(2),
        tcpChecksum: ip.getUint16(36),
        payload: data.subarray(40),
      };
    });
}
