// The config module reads the keys, so it alone decides which variable holds a key id.
import { keyVariableName } from "../config/keys.ts";
import { DecryptError } from "../errors.ts";

/** Size in bytes of every master key. */
export const MASTER_KEY_BYTES = 32;

/**
 * Finds the 32-byte master key of a key id, or `undefined` when none is configured.
 * The config module builds it from the `KEY_<ID>` environment variables.
 */
export type KeyLookup = (kid: string) => Uint8Array | undefined;

/**
 * A key id quoted for a one-line message. Key ids read from an object are not trusted, so
 * control and line-separator characters are escaped rather than printed.
 */
export function quoteKid(kid: string): string {
  return JSON.stringify(kid).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The master key of `kid`, or a DecryptError that names the variable to set. */
export function requireKey(lookup: KeyLookup, kid: string): Uint8Array {
  const key = lookup(kid);
  if (key === undefined) {
    throw new DecryptError(
      `no key for key id ${quoteKid(kid)}: set ${keyVariableName(kid)} in the environment`,
    );
  }
  if (key.length !== MASTER_KEY_BYTES) {
    throw new DecryptError(
      `the key for key id ${quoteKid(kid)} is not ${MASTER_KEY_BYTES} bytes: ` +
        `set ${keyVariableName(kid)} to 64 hex characters`,
    );
  }
  return key;
}

/** Decodes a key id read from an object; bytes that are not UTF-8 refuse the object. */
export function decodeKid(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw new DecryptError("the key id in the object is not valid UTF-8: it is damaged", {
      cause: error,
    });
  }
}
