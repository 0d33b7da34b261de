import { randomBytes } from "node:crypto";

import { DecryptError } from "../errors.ts";
import { decodeKid } from "./keys.ts";

/** The first four bytes of every format 2 object: "SSB" and the format byte 2. */
export const FORMAT2_MAGIC: Uint8Array = Uint8Array.of(0x53, 0x53, 0x42, 0x02);

/** Plaintext bytes per segment when the writer is not told otherwise (1 MiB). */
export const DEFAULT_SEGMENT_SIZE = 1024 * 1024;

/** Smallest and largest segment sizes a writer may choose and a reader accepts. */
export const MIN_SEGMENT_SIZE = 4 * 1024;
export const MAX_SEGMENT_SIZE = 16 * 1024 * 1024;

const SALT_BYTES = 32;
const NONCE_PREFIX_BYTES = 7;

/** The fields of a format 2 header, with the exact bytes they were read from or written as. */
export interface Format2Header {
  kid: string;
  segmentSize: number;
  salt: Uint8Array;
  noncePrefix: Uint8Array;
  /** The whole header as it appears in the object; it is part of the key derivation. */
  bytes: Uint8Array;
}

/** Header length for a key id of `kidBytes` UTF-8 bytes. */
export function format2HeaderLength(kidBytes: number): number {
  return FORMAT2_MAGIC.length + 1 + kidBytes + 4 + SALT_BYTES + NONCE_PREFIX_BYTES;
}

/**
 * Builds a new header with a fresh random salt and nonce prefix. A bad key id or segment
 * size is a programming or config error, so it throws a plain Error.
 */
export function createFormat2Header(kid: string, segmentSize: number): Format2Header {
  const kidBytes = new TextEncoder().encode(kid);
  if (kidBytes.length < 1 || kidBytes.length > 255) {
    throw new Error(`key id must be 1 to 255 UTF-8 bytes, got ${kidBytes.length}`);
  }
  if (!isValidSegmentSize(segmentSize)) {
    throw new Error(
      `segment size must be an integer from ${MIN_SEGMENT_SIZE} to ${MAX_SEGMENT_SIZE}, ` +
        `got ${segmentSize}`,
    );
  }

  const bytes = Buffer.alloc(format2HeaderLength(kidBytes.length));
  let at = 0;
  bytes.set(FORMAT2_MAGIC, at);
  at += FORMAT2_MAGIC.length;
  bytes[at++] = kidBytes.length;
  bytes.set(kidBytes, at);
  at += kidBytes.length;
  bytes.writeUInt32BE(segmentSize, at);
  at += 4;
  const salt = randomBytes(SALT_BYTES);
  bytes.set(salt, at);
  at += SALT_BYTES;
  const noncePrefix = randomBytes(NONCE_PREFIX_BYTES);
  bytes.set(noncePrefix, at);

  return { kid, segmentSize, salt, noncePrefix, bytes };
}

/**
 * Reads a format 2 header from the start of `buf`. Returns `undefined` while `buf` is too
 * short to hold the whole header, so a stream reader can call it again with more bytes;
 * throws a DecryptError as soon as the bytes seen cannot start a valid header.
 */
export function parseFormat2Header(buf: Uint8Array): Format2Header | undefined {
  checkMagic(buf);
  if (buf.length < FORMAT2_MAGIC.length + 1) return undefined;

  const kidLength = buf[FORMAT2_MAGIC.length]!;
  if (kidLength === 0) throw new DecryptError("the object header has an empty key id");
  const length = format2HeaderLength(kidLength);
  if (buf.length < length) return undefined;

  const view = Buffer.from(buf.buffer, buf.byteOffset, length);
  let at = FORMAT2_MAGIC.length + 1;
  const kid = decodeKid(view.subarray(at, at + kidLength));
  at += kidLength;
  const segmentSize = view.readUInt32BE(at);
  if (!isValidSegmentSize(segmentSize)) {
    throw new DecryptError(
      `the object header has segment size ${segmentSize}, ` +
        `outside ${MIN_SEGMENT_SIZE}..${MAX_SEGMENT_SIZE}`,
    );
  }
  at += 4;
  const salt = view.subarray(at, at + SALT_BYTES);
  at += SALT_BYTES;
  const noncePrefix = view.subarray(at, at + NONCE_PREFIX_BYTES);

  return { kid, segmentSize, salt, noncePrefix, bytes: view };
}

function isValidSegmentSize(size: number): boolean {
  return Number.isInteger(size) && size >= MIN_SEGMENT_SIZE && size <= MAX_SEGMENT_SIZE;
}

/** Fails on the first byte that differs from the magic, so foreign objects fail early. */
function checkMagic(buf: Uint8Array): void {
  const seen = Math.min(buf.length, FORMAT2_MAGIC.length);
  for (let i = 0; i < seen; i++) {
    if (buf[i] === FORMAT2_MAGIC[i]) continue;
    if (i === FORMAT2_MAGIC.length - 1) {
      const hex = buf[i]!.toString(16).padStart(2, "0");
      throw new DecryptError(`unsupported format byte 0x${hex}: this ssb cannot read it`);
    }
    throw new DecryptError(
      'the object does not start with "SSB": it is not an ssb format 2 backup',
    );
  }
}
