import { Transform } from "node:stream";

/** A synchronous byte processor: it pushes its output as it goes and throws to refuse. */
export interface SyncProcessor {
  write(chunk: Buffer): void;
  end(): void;
}

/**
 * Wraps a synchronous processor as a node:stream Transform. Anything the processor throws
 * becomes the stream's error, so a refusal never looks like a clean end. Backpressure is the
 * Transform's own: the next chunk is not taken until the reader has drained the output.
 */
export function syncTransform(
  create: (push: (bytes: Uint8Array) => void) => SyncProcessor,
): Transform {
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        processor.write(chunk);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        processor.end();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  const processor = create((bytes) => {
    stream.push(bytes);
  });
  return stream;
}
