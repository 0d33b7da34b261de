import { createHmac, hkdfSync } from "node:crypto";

/** A fingerprint being computed over a plaintext fed in chunks. */
export interface Fingerprint {
  update(chunk: Uint8Array): void;
  /** The fingerprint as 64 hex characters; call once, after the last `update`. */
  digest(): string;
}

/**
 * Starts the keyed fingerprint that `onChangeOnly` compares: HMAC-SHA256 of the plaintext
 * under a key derived from the master key. It is keyed so that the fingerprint stored in
 * clear object metadata cannot be used to confirm a guess of a small secret file.
 */
export function createFingerprint(masterKey: Uint8Array): Fingerprint {
  const fingerprintKey = hkdfSync("sha256", masterKey, new Uint8Array(0), "ssb fingerprint", 32);
  const hmac = createHmac("sha256", new Uint8Array(fingerprintKey));
  return {
    update(chunk) {
      hmac.update(chunk);
    },
    digest() {
      return hmac.digest("hex");
    },
  };
}

/** The keyed fingerprint of a plaintext held whole in memory. */
export function fingerprintOf(masterKey: Uint8Array, data: Uint8Array): string {
  const fingerprint = createFingerprint(masterKey);
  fingerprint.update(data);
  return fingerprint.digest();
}
