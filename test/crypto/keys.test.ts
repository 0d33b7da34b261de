import { describe, expect, test } from "bun:test";

import { keyVariableName, quoteKid } from "../../src/crypto/keys.ts";

describe("keyVariableName", () => {
  test.each([
    { kid: "v1", variable: "KEY_V1" },
    { kid: "2025-q4-key", variable: "KEY_2025_Q4_KEY" },
    { kid: "prod.main", variable: "KEY_PROD_MAIN" },
    { kid: "a b", variable: "KEY_A_B" },
  ])("names $variable for key id $kid", ({ kid, variable }) => {
    expect(keyVariableName(kid)).toBe(variable);
  });
});

describe("quoteKid", () => {
  test.each([
    { what: "a plain key id", kid: "v1", quoted: '"v1"' },
    { what: "a quote", kid: 'a"b', quoted: '"a\\"b"' },
    { what: "line breaks", kid: "a\nb\rc", quoted: '"a\\nb\\rc"' },
    { what: "Unicode line separators", kid: "a\u2028b\u0085c", quoted: '"a\\u2028b\\u0085c"' },
  ])("keeps $what on one line", ({ kid, quoted }) => {
    expect(quoteKid(kid)).toBe(quoted);
  });
});
