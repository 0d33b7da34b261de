import { describe, expect, test } from "bun:test";

import { quoteKid } from "../../src/crypto/keys.ts";

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
