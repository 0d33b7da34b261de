import { createDecipheriv, createSecretKey } from "node:crypto";

import { DecryptError } from "../errors.ts";
import { keyVariableName } from "../config/keys.ts";
import { decodeKid, type KeyLookup, requireKey } from "./keys.ts";

const IV_BYTES = 16;
const TAG_BYTES = 16;

/**
 * Decrypts a whole format 1 object, the layout of the library ssb replaced:
 * kid length | kid | IV (16) | GCM tag (16) | ciphertext, AES-256-GCM without associated
 * data. Kept so that old backups can still be restored; ssb never writes it.
 */
export function decryptFormat1(object: Uint8Array, lookup: KeyLookup): Buffer {
  const kidLength = object[0] ?? 0;
  if (object.length === 0 || kidLength === 0) {
    throw new DecryptError("the object has no key id: it is empty or not an ssb backup");
  }
  const ivStart = 1 + kidLength;
  const tagStart = ivStart + IV_BYTES;
  const ciphertextStart = tagStart + TAG_BYTES;
  if (object.length < ciphertextStart) {
    throw new DecryptError(
      `the format 1 object is ${object.length} bytes, shorter than its header (truncated)`,
    );
  }

  const bytes = Buffer.from(object.buffer, object.byteOffset, object.byteLength);
  const kid = decodeKid(bytes.subarray(1, ivStart));
  const key = createSecretKey(requireKey(lookup, kid));
  const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(ivStart, tagStart), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAuthTag(bytes.subarray(tagStart, ciphertextStart));
  const plaintext = decipher.update(bytes.subarray(ciphertextStart));
  try {
    decipher.final();
  } catch (error) {
    throw new DecryptError(
      "authentication failed: the object was altered, is not an ssb backup, " +
        `or ${keyVariableName(kid)} is not the key it was written with`,
      { cause: error },
    );
  }
  return plaintext;
}
