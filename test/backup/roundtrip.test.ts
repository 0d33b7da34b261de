import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { restoreObjects } from "../../src/backup/restore.ts";
import { runBackups } from "../../src/backup/run.ts";
import { DEFAULT_SEGMENT_SIZE } from "../../src/crypto/format2.ts";
import { makeTempDir } from "../helpers/tmp.ts";
import { clock, config, freshStore, job, keyRing, memoryLog } from "./fixtures.ts";

const dir = makeTempDir("ssb-roundtrip-");

describe("a backup restores byte-identical", () => {
  const sizes: [string, number][] = [
    ["an empty file", 0],
    ["a 1-byte file", 1],
    ["a file of exactly one segment", DEFAULT_SEGMENT_SIZE],
    ["a file of one segment plus one byte", DEFAULT_SEGMENT_SIZE + 1],
    ["a 64 MiB file (multipart upload)", 64 * 1024 * 1024],
  ];

  for (const [name, size] of sizes) {
    test(name, async () => {
      const store = await freshStore();
      const path = join(dir, `file-${size}.bin`);
      const content = randomBytes(size);
      await writeFile(path, content);
      const keys = keyRing(["v1"]);
      const log = memoryLog();

      const summary = await runBackups({
        config: config(store.bucket, [job("file", path, { s3KeyPrefix: "data/" })]),
        store,
        keys,
        log,
        now: clock("2026-12-03T04:00:00Z").now,
      });
      expect(summary.jobs).toHaveLength(1);
      expect(summary.jobs[0]).toMatchObject({
        outcome: "uploaded",
        objectKey: `data/file-${size}.bin-2026-12-03T04:00:00Z.bak.enc`,
        size,
      });

      const dest = join(dir, `restored-${size}.bin`);
      const [restored] = await restoreObjects({
        store,
        targets: [{ key: summary.jobs[0]!.objectKey!, dest }],
        lookup: keys.lookup,
        mode: 0o600,
        force: false,
      });
      expect(restored!.bytes).toBe(size);
      expect(Buffer.compare(await readFile(dest), content)).toBe(0);
      expect((await stat(dest)).mode & 0o777).toBe(0o600);
    });
  }
});
