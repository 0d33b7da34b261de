import type { Transform } from "node:stream";

import {
  createFormat2Header,
  DEFAULT_SEGMENT_SIZE,
  format2HeaderLength,
} from "./format2-header.ts";
import { MAX_SEGMENTS, deriveObjectKey, sealSegment, TAG_BYTES } from "./format2-segment.ts";
import { MASTER_KEY_BYTES } from "./keys.ts";
import { Segmenter } from "./segmenter.ts";
import { syncTransform } from "./sync-transform.ts";

/** What a new format 2 object is encrypted under. */
export interface EncryptOptions {
  /** Key id written in the header, 1..255 UTF-8 bytes. */
  kid: string;
  /** The 32-byte master key of `kid`. */
  key: Uint8Array;
  /** Plaintext bytes per segment, 4 KiB..16 MiB; 1 MiB by default. */
  segmentSize?: number;
}

/**
 * A Transform that turns plaintext into a format 2 object: the header, then one
 * authenticated segment per `segmentSize` plaintext bytes, the last one marked final.
 * It holds at most one plaintext segment, whatever the input size. A bad key id, key or
 * segment size throws a plain Error at once.
 */
export function createEncryptStream(opts: EncryptOptions): Transform {
  if (opts.key.length !== MASTER_KEY_BYTES) {
    throw new Error(`master key must be ${MASTER_KEY_BYTES} bytes, got ${opts.key.length}`);
  }
  const header = createFormat2Header(opts.kid, opts.segmentSize ?? DEFAULT_SEGMENT_SIZE);
  const key = deriveObjectKey(opts.key, header);

  return syncTransform((push) => {
    let index = 0;
    const segmenter = new Segmenter(header.segmentSize, (plaintext, final) => {
      if (index >= MAX_SEGMENTS) {
        throw new Error("the file is too large for format 2 at this segment size");
      }
      const [ciphertext, tag] = sealSegment(key, header, index, final, plaintext);
      push(ciphertext);
      push(tag);
      index++;
    });

    push(header.bytes);
    return {
      write: (chunk) => segmenter.write(chunk),
      end: () => segmenter.end(),
    };
  });
}

/** Exact size of the format 2 object for a plaintext of `plaintextSize` bytes. */
export function format2ObjectSize(
  plaintextSize: number,
  opts: { kid: string; segmentSize?: number },
): number {
  const segmentSize = opts.segmentSize ?? DEFAULT_SEGMENT_SIZE;
  const segments = Math.max(1, Math.ceil(plaintextSize / segmentSize));
  const kidBytes = new TextEncoder().encode(opts.kid).length;
  return format2HeaderLength(kidBytes) + segments * TAG_BYTES + plaintextSize;
}
