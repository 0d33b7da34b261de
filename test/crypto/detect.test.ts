import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { createRestoreStream, detectFormat, MAX_FORMAT1_BYTES } from "../../src/crypto/detect.ts";
import { createEncryptStream } from "../../src/crypto/format2.ts";
import { DecryptError } from "../../src/errors.ts";
import { bytesOf, KEY_V1, lookupV1, runThrough } from "./helpers.ts";

const VECTORS = join(import.meta.dir, "..", "..", "..", "shared", "vectors", "legacy-v1");

describe("detectFormat", () => {
  test.each([
    { bytes: [0x53, 0x53, 0x42, 0x02], format: 2 },
    { bytes: [0x53, 0x53, 0x42, 0x02, 0x02, 0x76, 0x31], format: 2 },
    { bytes: [0x02, 0x76, 0x31, 0x00], format: 1 },
    { bytes: [0x53, 0x53, 0x42, 0x01], format: 1 },
    { bytes: [0x53, 0x53, 0x42], format: 1 },
    { bytes: [], format: 1 },
  ])("reads $bytes as format $format", ({ bytes, format }) => {
    expect(detectFormat(Uint8Array.from(bytes))).toBe(format as 1 | 2);
  });
});

describe("createRestoreStream", () => {
  test.each([1, 3, 4096])("restores a format 2 object fed in chunks of %d", async (chunk) => {
    const plaintext = bytesOf(10_000);
    const encryptor = createEncryptStream({ kid: "v1", key: KEY_V1, segmentSize: 4096 });
    const object = await runThrough(encryptor, plaintext);
    const restored = await runThrough(createRestoreStream(lookupV1), object, chunk);
    expect(restored.equals(plaintext)).toBe(true);
  });

  test.each([1, 3, 4096])("restores a format 1 object fed in chunks of %d", async (chunk) => {
    const vector = JSON.parse(readFileSync(join(VECTORS, "vectors.json"), "utf8"))[0];
    const key = Buffer.from(vector.keyHex, "hex");
    const object = readFileSync(join(VECTORS, `${vector.name}.enc`));
    const restored = await runThrough(
      createRestoreStream(() => key),
      object,
      chunk,
    );
    expect(restored.equals(readFileSync(join(VECTORS, `${vector.name}.plain`)))).toBe(true);
  });

  test.each([
    { what: "an empty object", bytes: Buffer.alloc(0) },
    { what: "two bytes", bytes: Buffer.of(0x53, 0x53) },
    { what: "a truncated format 2 object", bytes: Buffer.from("SSB\x02\x02v1", "latin1") },
  ])("errors on $what", async ({ bytes }) => {
    const restoring = runThrough(createRestoreStream(lookupV1), bytes);
    await expect(restoring).rejects.toBeInstanceOf(DecryptError);
  });

  test("refuses an object that is not format 2 once it grows past the format 1 limit", async () => {
    const foreign = Buffer.alloc(MAX_FORMAT1_BYTES + 1, 0x07);
    const restoring = runThrough(createRestoreStream(lookupV1), foreign, 8 * 1024 * 1024);
    await expect(restoring).rejects.toThrow(/too large for a format 1 backup/);
  });
});
