import { beforeAll, describe, expect, test } from "bun:test";

import {
  createDecryptStream,
  createEncryptStream,
  Format2Reader,
} from "../../src/crypto/format2.ts";
import type { KeyLookup } from "../../src/crypto/keys.ts";
import { DecryptError } from "../../src/errors.ts";
import { bytesOf, KEY_V1, KEY_V2, lookupV1, runThrough } from "./helpers.ts";

const SEGMENT = 4096;
const SEALED = SEGMENT + 16;
const HEADER = 4 + 1 + 2 + 4 + 32 + 7;

/** Header offsets of an object written under key id "v1". */
const at = { kidLength: 4, kid: 5, segmentSize: 7, salt: 11, prefix: 43 };

/** Three full segments and a short final one. */
let object: Buffer;
/** Exactly two full segments, the second one final. */
let exact: Buffer;

beforeAll(async () => {
  object = await encrypt(bytesOf(3 * SEGMENT + 100));
  exact = await encrypt(bytesOf(2 * SEGMENT));
});

function encrypt(plaintext: Buffer): Promise<Buffer> {
  const encryptor = createEncryptStream({ kid: "v1", key: KEY_V1, segmentSize: SEGMENT });
  return runThrough(encryptor, plaintext);
}

/** Resolves with the DecryptError the stream failed with; fails the test on a clean end. */
async function refusal(bytes: Uint8Array, lookup: KeyLookup = lookupV1): Promise<DecryptError> {
  try {
    await runThrough(createDecryptStream(lookup), bytes, 1000);
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptError);
    expect((error as Error).message).not.toContain("\n");
    return error as DecryptError;
  }
  throw new Error("the decrypt stream ended cleanly");
}

function flipped(bytes: Buffer, offset: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[offset]! ^= 0x01;
  return copy;
}

function segment(bytes: Buffer, index: number): Buffer {
  return bytes.subarray(HEADER + index * SEALED, HEADER + (index + 1) * SEALED);
}

describe("format 2 reader refuses a flipped byte", () => {
  const cases: { place: string; offset: () => number; message: RegExp }[] = [
    { place: "in the magic", offset: () => 0, message: /does not start with "SSB"/ },
    { place: "in the format byte", offset: () => 3, message: /unsupported format byte 0x03/ },
    { place: "in the key id length", offset: () => at.kidLength, message: /./ },
    { place: "in the key id", offset: () => at.kid, message: /no key for key id "w1"/ },
    { place: "in the segment size", offset: () => at.segmentSize + 3, message: /segment 0/ },
    { place: "in the salt", offset: () => at.salt + 5, message: /segment 0/ },
    { place: "in the nonce prefix", offset: () => at.prefix + 6, message: /segment 0/ },
    { place: "in the first segment's body", offset: () => HEADER + 10, message: /segment 0/ },
    { place: "in the first tag", offset: () => HEADER + SEALED - 1, message: /segment 0/ },
    { place: "in a middle segment", offset: () => HEADER + SEALED + 7, message: /segment 1:/ },
    { place: "in the last segment", offset: () => object.length - 20, message: /segment 3:/ },
    { place: "in the last tag byte", offset: () => object.length - 1, message: /segment 3:/ },
  ];

  test.each(cases)("$place", async ({ offset, message }) => {
    const error = await refusal(flipped(object, offset()));
    expect(error.message).toMatch(message);
  });

  test("anywhere in a two-segment object, at every offset", () => {
    let refused = 0;
    for (let offset = 0; offset < exact.length; offset++) {
      const reader = new Format2Reader(lookupV1, () => {});
      try {
        reader.write(flipped(exact, offset));
        reader.end();
      } catch (error) {
        if (error instanceof DecryptError) refused++;
      }
    }
    expect(refused).toBe(exact.length);
  });
});

describe("format 2 reader refuses a truncated object", () => {
  const cases: { place: string; length: () => number }[] = [
    { place: "empty", length: () => 0 },
    { place: "inside the magic", length: () => 3 },
    { place: "inside the key id", length: () => at.kid + 1 },
    { place: "one byte short of the header", length: () => HEADER - 1 },
    { place: "right after the header", length: () => HEADER },
    { place: "inside the first segment", length: () => HEADER + 100 },
    { place: "at the first segment boundary", length: () => HEADER + SEALED },
    { place: "at the third segment boundary", length: () => HEADER + 3 * SEALED },
    { place: "inside the final segment's tag", length: () => HEADER + 3 * SEALED + 10 },
    { place: "without its final tag byte", length: () => object.length - 1 },
  ];

  test.each(cases)("$place", async ({ length }) => {
    await refusal(object.subarray(0, length()));
  });

  test("cut at a segment boundary, saying it is truncated", async () => {
    const error = await refusal(exact.subarray(0, HEADER + SEALED));
    expect(error.message).toBe(
      "object ends before its final segment (truncated): the upload or download was cut short",
    );
  });

  test("cut inside its header, saying it is truncated", async () => {
    const error = await refusal(object.subarray(0, 20));
    expect(error.message).toMatch(/^object ends inside its header \(truncated\)/);
  });
});

describe("format 2 reader refuses a rearranged object", () => {
  const cases: { change: string; bytes: () => Buffer; message?: RegExp }[] = [
    { change: "one byte appended", bytes: () => Buffer.concat([object, Buffer.of(0)]) },
    {
      change: "one byte appended after a full final segment",
      bytes: () => Buffer.concat([exact, Buffer.of(0)]),
      message: /^data after the final segment 1/,
    },
    {
      change: "a copy of a segment appended",
      bytes: () => Buffer.concat([object, segment(object, 1)]),
    },
    {
      change: "a copy of the final segment appended",
      bytes: () => Buffer.concat([exact, segment(exact, 1)]),
      message: /^data after the final segment/,
    },
    {
      change: "two segments swapped",
      bytes: () =>
        Buffer.concat([
          object.subarray(0, HEADER),
          segment(object, 1),
          segment(object, 0),
          object.subarray(HEADER + 2 * SEALED),
        ]),
      message: /segment 0/,
    },
    {
      change: "a segment repeated",
      bytes: () =>
        Buffer.concat([object.subarray(0, HEADER + 2 * SEALED), object.subarray(HEADER + SEALED)]),
      message: /segment 2:/,
    },
    {
      change: "a segment dropped",
      bytes: () =>
        Buffer.concat([object.subarray(0, HEADER + SEALED), object.subarray(HEADER + 2 * SEALED)]),
      message: /segment 1:/,
    },
    {
      change: "a segment of another object under the same key spliced in",
      bytes: () => Buffer.concat([exact.subarray(0, HEADER + SEALED), segment(object, 1)]),
      message: /segment 1:/,
    },
  ];

  test.each(cases)("with $change", async ({ bytes, message }) => {
    const error = await refusal(bytes());
    if (message) expect(error.message).toMatch(message);
  });
});

describe("format 2 reader refuses the wrong key", () => {
  test("when the key id has a different key, naming the variable to check", async () => {
    const error = await refusal(object, () => KEY_V2);
    expect(error.message).toBe(
      "authentication failed in segment 0: the object was altered, is not an ssb backup, " +
        "or KEY_V1 is not the key it was written with",
    );
  });

  test("when no key is configured for the key id", async () => {
    const error = await refusal(object, () => undefined);
    expect(error.message).toBe('no key for key id "v1": set KEY_V1 in the environment');
  });

  test("when the configured key has the wrong length", async () => {
    const error = await refusal(object, () => Buffer.alloc(16));
    expect(error.message).toMatch(/not 32 bytes: set KEY_V1 to 64 hex characters/);
  });
});

describe("format 2 reader refuses a malformed header", () => {
  function header(fields: { magic?: number[]; kid?: Buffer; segmentSize?: number }): Buffer {
    const kid = fields.kid ?? Buffer.from("v1");
    const size = Buffer.alloc(4);
    size.writeUInt32BE(fields.segmentSize ?? SEGMENT);
    return Buffer.concat([
      Buffer.from(fields.magic ?? [0x53, 0x53, 0x42, 0x02]),
      Buffer.of(kid.length),
      kid,
      size,
      Buffer.alloc(32 + 7 + 16),
    ]);
  }

  test.each([
    {
      what: "another format byte",
      bytes: header({ magic: [0x53, 0x53, 0x42, 0x07] }),
      message: "unsupported format byte 0x07: this ssb cannot read it",
    },
    {
      what: "a foreign magic",
      bytes: header({ magic: [0x50, 0x4b, 0x03, 0x04] }),
      message: 'the object does not start with "SSB": it is not an ssb format 2 backup',
    },
    {
      what: "an empty key id",
      bytes: header({ kid: Buffer.alloc(0) }),
      message: "the object header has an empty key id",
    },
    {
      what: "a key id that is not UTF-8",
      bytes: header({ kid: Buffer.of(0xff, 0xfe) }),
      message: "the key id in the object is not valid UTF-8: it is damaged",
    },
    {
      what: "a segment size under 4 KiB",
      bytes: header({ segmentSize: 4095 }),
      message: "the object header has segment size 4095, outside 4096..16777216",
    },
    {
      what: "a segment size over 16 MiB",
      bytes: header({ segmentSize: 2 ** 24 + 1 }),
      message: "the object header has segment size 16777217, outside 4096..16777216",
    },
  ])("with $what", async ({ bytes, message }) => {
    const error = await refusal(bytes);
    expect(error.message).toBe(message);
  });

  test("escapes a key id holding a line break", async () => {
    const error = await refusal(header({ kid: Buffer.from("v1\nFAKE LOG LINE") }));
    expect(error.message).toBe(
      'no key for key id "v1\\nFAKE LOG LINE": set KEY_V1_FAKE_LOG_LINE in the environment',
    );
  });
});
