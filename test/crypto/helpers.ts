import { Readable, type Transform } from "node:stream";
import { buffer } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";

import { type KeyLookup } from "../../src/crypto/keys.ts";

/** Fixed test keys; never used outside tests. */
export const KEY_V1 = Buffer.alloc(32, 0x11);
export const KEY_V2 = Buffer.alloc(32, 0x22);

/** Knows only key id "v1". */
export const lookupV1: KeyLookup = (kid) => (kid === "v1" ? KEY_V1 : undefined);

/** Deterministic, non-repeating bytes, so a misplaced segment shows up as different data. */
export function bytesOf(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** `data` cut into chunks of `size` bytes (the last may be shorter); none for empty data. */
export function chunksOf(data: Uint8Array, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) {
    chunks.push(Buffer.from(data.subarray(at, at + size)));
  }
  return chunks;
}

/** Runs `data` through `transform` in chunks of `chunkSize` and returns all its output. */
export async function runThrough(
  transform: Transform,
  data: Uint8Array,
  chunkSize = 65536,
): Promise<Buffer> {
  const [, output] = await Promise.all([
    pipeline(Readable.from(chunksOf(data, chunkSize)), transform),
    buffer(transform),
  ]);
  return output;
}
