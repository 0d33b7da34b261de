import { describe, expect, test } from "bun:test";
import { createDecipheriv, hkdfSync } from "node:crypto";

import { createEncryptStream } from "../../src/crypto/format2.ts";
import { bytesOf, KEY_V1, runThrough } from "./helpers.ts";

/**
 * Reads a format 2 object by hand, straight from the layout in DESIGN.md and with none of
 * the module's helpers, so that a writer and reader sharing one mistake cannot both pass.
 */
function readByHand(object: Buffer, masterKey: Uint8Array): Buffer[] {
  expect(object.subarray(0, 4).toString("latin1")).toBe("SSB\x02");
  const kidLength = object[4]!;
  const segmentSize = object.readUInt32BE(5 + kidLength);
  const saltAt = 9 + kidLength;
  const salt = object.subarray(saltAt, saltAt + 32);
  const prefix = object.subarray(saltAt + 32, saltAt + 39);
  const header = object.subarray(0, saltAt + 39);
  const info = Buffer.concat([Buffer.from("ssb v2"), header]);
  const key = Buffer.from(hkdfSync("sha256", masterKey, salt, info, 32));

  const segments: Buffer[] = [];
  for (let at = header.length, i = 0; at < object.length; at += segmentSize + 16, i++) {
    const sealed = object.subarray(at, Math.min(at + segmentSize + 16, object.length));
    const last = at + sealed.length === object.length ? 1 : 0;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(i);
    const nonce = Buffer.concat([prefix, counter, Buffer.of(last)]);
    const decipher = createDecipheriv("aes-256-gcm", key, nonce);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    segments.push(Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()]));
  }
  return segments;
}

describe("format 2 layout", () => {
  test.each<{ size: number; segments: number[] }>([
    { size: 0, segments: [0] },
    { size: 4096, segments: [4096] },
    { size: 4097, segments: [4096, 1] },
    { size: 3 * 4096, segments: [4096, 4096, 4096] },
  ])("a $size-byte file is written as segments of $segments bytes", async ({ size, segments }) => {
    const plaintext = bytesOf(size);
    const encryptor = createEncryptStream({ kid: "kid-é", key: KEY_V1, segmentSize: 4096 });
    const object = await runThrough(encryptor, plaintext, 1000);

    const read = readByHand(object, KEY_V1);
    expect(read.map((segment) => segment.length)).toEqual(segments);
    expect(Buffer.concat(read).equals(plaintext)).toBe(true);
  });
});
