import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  type KeyObject,
} from "node:crypto";

import type { Format2Header } from "./format2-header.ts";

/** Bytes of the GCM tag that follows each segment's ciphertext. */
export const TAG_BYTES = 16;

/** The segment counter is a uint32 in the nonce, so no object may hold more segments. */
export const MAX_SEGMENTS = 2 ** 32;

const INFO_PREFIX = new TextEncoder().encode("ssb v2");

/**
 * The object's own AES key. The whole header is in the HKDF info, so a change to any header
 * byte (key id, segment size, salt, prefix) yields another key and fails the first segment.
 */
export function deriveObjectKey(masterKey: Uint8Array, header: Format2Header): KeyObject {
  const info = new Uint8Array(INFO_PREFIX.length + header.bytes.length);
  info.set(INFO_PREFIX, 0);
  info.set(header.bytes, INFO_PREFIX.length);
  const key = hkdfSync("sha256", masterKey, header.salt, info, 32);
  return createSecretKey(new Uint8Array(key));
}

/**
 * Nonce of segment `index`: prefix | uint32 BE index | last. The counter rejects reordered
 * or repeated segments; the last flag rejects an object cut at a segment boundary.
 */
export function segmentNonce(noncePrefix: Uint8Array, index: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(noncePrefix.length + 5);
  nonce.set(noncePrefix, 0);
  nonce.writeUInt32BE(index, noncePrefix.length);
  nonce[noncePrefix.length + 4] = last ? 1 : 0;
  return nonce;
}

/** Encrypts one segment; returns its ciphertext and its tag, in object order. */
export function sealSegment(
  key: KeyObject,
  header: Format2Header,
  index: number,
  last: boolean,
  plaintext: Uint8Array,
): [Buffer, Buffer] {
  const cipher = createCipheriv("aes-256-gcm", key, segmentNonce(header.noncePrefix, index, last));
  const ciphertext = cipher.update(plaintext);
  cipher.final(); // GCM is a stream mode: final() only computes the tag and returns no bytes.
  return [ciphertext, cipher.getAuthTag()];
}

/**
 * Decrypts and authenticates one segment (ciphertext followed by its tag). Returns
 * `undefined` when the tag does not verify, so the caller can tell the operator why.
 */
export function openSegment(
  key: KeyObject,
  header: Format2Header,
  index: number,
  last: boolean,
  sealed: Uint8Array,
): Buffer | undefined {
  if (sealed.length < TAG_BYTES) return undefined;
  const ciphertextEnd = sealed.length - TAG_BYTES;
  const nonce = segmentNonce(header.noncePrefix, index, last);
  const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(sealed.subarray(ciphertextEnd));
  const plaintext = decipher.update(sealed.subarray(0, ciphertextEnd));
  try {
    decipher.final();
  } catch {
    return undefined;
  }
  return plaintext;
}
