/** True where a File can be read as a stream of text (every current browser and Electron). */
export const canStreamFiles = (): boolean =>
  typeof Blob !== 'undefined' &&
  typeof Blob.prototype.stream === 'function' &&
  typeof TextDecoderStream === 'function';

/**
 * A file's text as a stream of decoded chunks (UTF-8 sequences split across chunks are handled by the decoder),
 * reporting the bytes read so far. Cancelling the returned stream stops reading the file.
 */
export function fileTextStream(file: Blob, onBytesRead: (bytes: number) => void): ReadableStream<string> {
  let bytes = 0;
  const counter = new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
    transform(chunk, controller) {
      bytes += chunk.byteLength;
      onBytesRead(bytes);
      controller.enqueue(chunk);
    },
  });
  return file.stream().pipeThrough(counter).pipeThrough(new TextDecoderStream());
}
