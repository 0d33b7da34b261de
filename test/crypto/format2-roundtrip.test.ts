import { describe, expect, test } from "bun:test";

import {
  createDecryptStream,
  createEncryptStream,
  DEFAULT_SEGMENT_SIZE,
  format2ObjectSize,
  parseFormat2Header,
} from "../../src/crypto/format2.ts";
import { bytesOf, KEY_V1, lookupV1, runThrough } from "./helpers.ts";

const HEADER_V1 = 4 + 1 + 2 + 4 + 32 + 7;
const TAG = 16;

/** Plaintext sizes around segment boundaries, for a given segment size. */
function sizesAround(segment: number): number[] {
  return [0, 1, segment - 1, segment, segment + 1, 3 * segment];
}

function segmentsFor(size: number, segment: number): number {
  return Math.max(1, Math.ceil(size / segment));
}

const cases = [
  ...sizesAround(4096).flatMap((size) =>
    [1, 7, 65536].map((chunk) => ({ segment: 4096, size, chunk })),
  ),
  ...sizesAround(DEFAULT_SEGMENT_SIZE).flatMap((size) =>
    [4099, 3 * DEFAULT_SEGMENT_SIZE + 5].map((chunk) => ({
      segment: DEFAULT_SEGMENT_SIZE,
      size,
      chunk,
    })),
  ),
];

describe("format 2 round trip", () => {
  test.each(cases)(
    "restores $size bytes in segments of $segment fed in chunks of $chunk",
    async ({ segment, size, chunk }) => {
      const plaintext = bytesOf(size, size + 7);
      const segmentSize = segment === DEFAULT_SEGMENT_SIZE ? undefined : segment;

      const object = await runThrough(
        createEncryptStream({ kid: "v1", key: KEY_V1, segmentSize }),
        plaintext,
        chunk,
      );
      const expectedLength = HEADER_V1 + segmentsFor(size, segment) * TAG + size;
      expect(object.length).toBe(expectedLength);
      expect(format2ObjectSize(size, { kid: "v1", segmentSize })).toBe(expectedLength);

      const restored = await runThrough(createDecryptStream(lookupV1), object, chunk);
      expect(restored.equals(plaintext)).toBe(true);
    },
    20_000,
  );
});

describe("format 2 writer", () => {
  test("writes the header fields it was given", async () => {
    const object = await runThrough(
      createEncryptStream({ kid: "2025-q4-key", key: KEY_V1, segmentSize: 8192 }),
      bytesOf(10),
    );
    const header = parseFormat2Header(object)!;
    expect(header.kid).toBe("2025-q4-key");
    expect(header.segmentSize).toBe(8192);
    expect(object.subarray(0, 4).toString("latin1")).toBe("SSB\x02");
  });

  test("writes an empty file as the header and one bare tag", async () => {
    const encryptor = createEncryptStream({ kid: "v1", key: KEY_V1 });
    const object = await runThrough(encryptor, Buffer.alloc(0));
    expect(object.length).toBe(HEADER_V1 + TAG);
  });

  test("uses a fresh salt and nonce prefix for every object", async () => {
    const plaintext = bytesOf(100);
    const a = await runThrough(createEncryptStream({ kid: "v1", key: KEY_V1 }), plaintext);
    const b = await runThrough(createEncryptStream({ kid: "v1", key: KEY_V1 }), plaintext);
    expect(a.subarray(11, HEADER_V1).equals(b.subarray(11, HEADER_V1))).toBe(false);
    expect(a.subarray(HEADER_V1).equals(b.subarray(HEADER_V1))).toBe(false);
  });

  test.each([
    { name: "an empty key id", opts: { kid: "" } },
    { name: "a key id of 256 bytes", opts: { kid: "k".repeat(256) } },
    { name: "a segment size under 4 KiB", opts: { kid: "v1", segmentSize: 4095 } },
    { name: "a segment size over 16 MiB", opts: { kid: "v1", segmentSize: 16 * 1024 * 1024 + 1 } },
    { name: "a fractional segment size", opts: { kid: "v1", segmentSize: 4096.5 } },
    { name: "a 31-byte key", opts: { kid: "v1", key: Buffer.alloc(31) } },
  ])("refuses $name at once", ({ opts }) => {
    expect(() => createEncryptStream({ key: KEY_V1, ...opts })).toThrow();
  });

  test("accepts a key id of 255 bytes and segment sizes at both limits", async () => {
    const kid = "k".repeat(255);
    for (const segmentSize of [4096, 16 * 1024 * 1024]) {
      const encryptor = createEncryptStream({ kid, key: KEY_V1, segmentSize });
      const object = await runThrough(encryptor, bytesOf(5));
      const restored = await runThrough(
        createDecryptStream(() => KEY_V1),
        object,
      );
      expect(restored.equals(bytesOf(5))).toBe(true);
    }
  });

  test("stops taking input while its output is not read", async () => {
    const segmentSize = 4096;
    const stream = createEncryptStream({ kid: "v1", key: KEY_V1, segmentSize });
    const chunk = bytesOf(65536);
    let accepted = true;
    for (let i = 0; i < 64; i++) accepted = stream.write(chunk);
    await new Promise((resolve) => setImmediate(resolve));

    expect(accepted).toBe(false);
    // Encryption stops once the unread output reaches the high-water mark; the remaining
    // chunks wait on the writable side, where the writer was told (write() returned false).
    const bound = stream.readableHighWaterMark + chunk.length + 2 * (segmentSize + TAG);
    expect(stream.readableLength).toBeLessThanOrEqual(bound);
    expect(stream.writableLength).toBeGreaterThan(32 * chunk.length);
    stream.destroy();
  });
});

describe("format 2 reader", () => {
  test("emits plaintext one verified segment at a time", async () => {
    const object = await runThrough(
      createEncryptStream({ kid: "v1", key: KEY_V1, segmentSize: 4096 }),
      bytesOf(3 * 4096 + 10),
    );
    const decrypt = createDecryptStream(lookupV1);
    const sizes: number[] = [];
    decrypt.on("data", (chunk: Buffer) => sizes.push(chunk.length));
    await runThrough(decrypt, object, object.length);
    expect(sizes).toEqual([4096, 4096, 4096, 10]);
  });
});
