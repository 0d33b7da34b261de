import { describe, expect, test } from "bun:test";

import { createFingerprint, fingerprintOf } from "../../src/crypto/fingerprint.ts";
import { bytesOf, chunksOf, KEY_V1, KEY_V2 } from "./helpers.ts";

describe("fingerprints", () => {
  const data = bytesOf(100_000);

  test("are 64 lower-case hex characters and the same for the same key and content", () => {
    const fingerprint = fingerprintOf(KEY_V1, data);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintOf(KEY_V1, Buffer.from(data))).toBe(fingerprint);
  });

  test("differ per key", () => {
    expect(fingerprintOf(KEY_V1, data)).not.toBe(fingerprintOf(KEY_V2, data));
  });

  test("differ per content, down to one byte", () => {
    const changed = Buffer.from(data);
    changed[50_000]! ^= 1;
    expect(fingerprintOf(KEY_V1, changed)).not.toBe(fingerprintOf(KEY_V1, data));
    expect(fingerprintOf(KEY_V1, Buffer.alloc(0))).not.toBe(fingerprintOf(KEY_V1, Buffer.of(0)));
  });

  test.each([1, 7, 4096, 100_000])("are the same fed in chunks of %d", (size) => {
    const fingerprint = createFingerprint(KEY_V1);
    for (const chunk of chunksOf(data, size)) fingerprint.update(chunk);
    expect(fingerprint.digest()).toBe(fingerprintOf(KEY_V1, data));
  });

  test('are HMAC-SHA256 under the key HKDF derives with info "ssb fingerprint"', () => {
    // Computed apart from node:crypto (RFC 5869 HKDF by hand with Python's hmac module), so a
    // change to the derivation, which would make every stored fingerprint differ and disable
    // onChangeOnly skips, fails here.
    expect(fingerprintOf(Buffer.alloc(32, 0x11), Buffer.from("hello"))).toBe(
      "86f27ffe83b1a801265ec7e0923b37c74b5092715425b081eeb2151d29b4fcdc",
    );
  });
});
