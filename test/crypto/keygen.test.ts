import { describe, expect, test } from "bun:test";

import { generateKeyHex } from "../../src/crypto/keygen.ts";

describe("generateKeyHex", () => {
  test("gives 64 lower-case hex characters, different each time", () => {
    const a = generateKeyHex();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(generateKeyHex()).not.toBe(a);
  });
});
