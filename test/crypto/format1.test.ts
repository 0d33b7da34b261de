import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { decryptFormat1 } from "../../src/crypto/format1.ts";
import { DecryptError } from "../../src/errors.ts";

/** The shared folder sits beside the repository, in a fresh clone as in the workspace. */
const VECTORS = join(import.meta.dir, "..", "..", "..", "shared", "vectors", "legacy-v1");

interface Vector {
  name: string;
  kid: string;
  keyHex: string;
  mustFail?: boolean;
}

const vectors: Vector[] = JSON.parse(readFileSync(join(VECTORS, "vectors.json"), "utf8"));
const read = (file: string) => readFileSync(join(VECTORS, file));
const lookupFor = (vector: Vector) => (kid: string) =>
  kid === vector.kid ? Buffer.from(vector.keyHex, "hex") : undefined;

describe("format 1 sample objects", () => {
  test("are all present", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(5);
    expect(vectors.filter((v) => v.mustFail).length).toBeGreaterThanOrEqual(1);
  });

  test.each(vectors.filter((v) => !v.mustFail))("$name decrypts to its plaintext", (vector) => {
    const plaintext = decryptFormat1(read(`${vector.name}.enc`), lookupFor(vector));
    expect(plaintext.equals(read(`${vector.name}.plain`))).toBe(true);
  });

  test.each(vectors.filter((v) => v.mustFail))("$name is refused", (vector) => {
    expect(() => decryptFormat1(read(`${vector.name}.enc`), lookupFor(vector))).toThrow(
      /^authentication failed: the object was altered/,
    );
  });
});

describe("format 1 reader", () => {
  const short = vectors.find((v) => v.name === "short-text")!;
  const object = read("short-text.enc");

  test.each([
    { what: "an empty object", bytes: Buffer.alloc(0), message: /has no key id/ },
    { what: "a key id length of 0", bytes: Buffer.of(0, 1, 2, 3), message: /has no key id/ },
    { what: "an object cut inside its IV", bytes: object.subarray(0, 10), message: /truncated/ },
    { what: "an object cut inside its tag", bytes: object.subarray(0, 34), message: /truncated/ },
    { what: "a flipped ciphertext byte", bytes: flip(object, 40), message: /^authentication/ },
    { what: "a flipped IV byte", bytes: flip(object, 5), message: /^authentication/ },
    { what: "a flipped tag byte", bytes: flip(object, 20), message: /^authentication/ },
    { what: "a dropped last byte", bytes: object.subarray(0, -1), message: /^authentication/ },
  ])("refuses $what", ({ bytes, message }) => {
    expect(() => decryptFormat1(bytes, lookupFor(short))).toThrow(DecryptError);
    expect(() => decryptFormat1(bytes, lookupFor(short))).toThrow(message);
  });

  test("refuses an object whose key id has no key, naming the variable to set", () => {
    expect(() => decryptFormat1(object, () => undefined)).toThrow(
      'no key for key id "v1": set KEY_V1 in the environment',
    );
  });

  test("refuses the wrong key for the key id", () => {
    expect(() => decryptFormat1(object, () => Buffer.alloc(32, 7))).toThrow(
      /or KEY_V1 is not the key it was written with$/,
    );
  });

  test("reads an object that is a view into a larger buffer", () => {
    const padded = Buffer.concat([Buffer.alloc(9, 0xaa), object, Buffer.alloc(5)]);
    const view = padded.subarray(9, 9 + object.length);
    const plaintext = decryptFormat1(view, lookupFor(short));
    expect(plaintext.equals(read("short-text.plain"))).toBe(true);
  });
});

function flip(bytes: Buffer, offset: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[offset]! ^= 0x80;
  return copy;
}
