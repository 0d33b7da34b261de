import type { Transform } from "node:stream";

import { DecryptError } from "../errors.ts";
import { decryptFormat1 } from "./format1.ts";
import { Format2Reader } from "./format2-decrypt.ts";
import { FORMAT2_MAGIC } from "./format2-header.ts";
import { decodeKid, type KeyLookup } from "./keys.ts";
import { syncTransform } from "./sync-transform.ts";

/**
 * The format of an object from its first bytes (pass at least four): 2 when it starts with
 * "SSB" 0x02, else 1, whose first byte is a key id length.
 */
export function detectFormat(firstBytes: Uint8Array): 1 | 2 {
  if (firstBytes.length < FORMAT2_MAGIC.length) return 1;
  return FORMAT2_MAGIC.every((byte, i) => firstBytes[i] === byte) ? 2 : 1;
}

/**
 * The key id an object names in its first bytes (pass at least 260), in either format, or
 * undefined when they do not hold one. For objects whose metadata lacks it, such as those
 * the earlier tool wrote.
 */
export function readKeyId(firstBytes: Uint8Array): string | undefined {
  const at = detectFormat(firstBytes) === 2 ? FORMAT2_MAGIC.length : 0;
  const length = firstBytes[at];
  if (!length || firstBytes.length < at + 1 + length) return undefined;
  try {
    return decodeKid(firstBytes.subarray(at + 1, at + 1 + length));
  } catch {
    return undefined;
  }
}

/**
 * Format 1 objects are read whole into memory; anything larger than this that does not
 * start like format 2 is refused rather than allowed to exhaust memory.
 */
export const MAX_FORMAT1_BYTES = 512 * 2 ** 20;

/**
 * A Transform that decrypts an object of either format: format 2 segment by segment, format
 * 1 only once the whole object has arrived, since that layout cannot be read in parts. It
 * errors with a DecryptError on every refusal, like createDecryptStream.
 */
export function createRestoreStream(lookup: KeyLookup): Transform {
  return syncTransform((push) => {
    let start: Buffer[] = [];
    let startLength = 0;
    let format2: Format2Reader | undefined;
    let format1: Buffer[] | undefined;
    let format1Bytes = 0;

    return {
      write(chunk) {
        if (format2) {
          format2.write(chunk);
          return;
        }
        if (format1) {
          format1.push(chunk);
          format1Bytes += chunk.length;
          if (format1Bytes > MAX_FORMAT1_BYTES) {
            throw new DecryptError(
              `object is not in format 2 and larger than ${MAX_FORMAT1_BYTES / 2 ** 20} MiB, too large for a format 1 backup; is it an ssb backup?`,
            );
          }
          return;
        }

        start.push(chunk);
        startLength += chunk.length;
        if (startLength < FORMAT2_MAGIC.length) return;
        const head = Buffer.concat(start);
        start = [];
        if (detectFormat(head) === 2) {
          format2 = new Format2Reader(lookup, push);
          format2.write(head);
        } else {
          format1 = [head];
          format1Bytes = head.length;
        }
      },
      end() {
        if (format2) format2.end();
        else push(decryptFormat1(Buffer.concat(format1 ?? start), lookup));
      },
    };
  });
}
