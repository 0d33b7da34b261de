import { describe, expect, test } from "bun:test";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chown, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { listCatalog } from "../../src/backup/catalog.ts";
import { restoreObjects } from "../../src/backup/restore.ts";
import { runBackups } from "../../src/backup/run.ts";
import { SsbError } from "../../src/errors.ts";
import type { BackupStore } from "../../src/store/store.ts";
import { makeTempDir } from "../helpers/tmp.ts";
import type { KeyLookup } from "../../src/crypto/keys.ts";
import { clock, config, freshStore, job, keyRing, memoryLog, withoutKey } from "./fixtures.ts";

const dir = makeTempDir("ssb-restore-");
const vectorsDir = join(import.meta.dir, "../../../shared/vectors/legacy-v1");

/** Backs up `content` once and returns the object key. */
async function backUp(
  store: BackupStore,
  keys: ReturnType<typeof keyRing>,
  content: Uint8Array,
  at: string,
) {
  const path = join(dir, `src-${randomBytes(4).toString("hex")}`);
  await writeFile(path, content);
  const summary = await runBackups({
    config: config(store.bucket, [job("secret", path)]),
    store,
    keys,
    log: memoryLog(),
    now: clock(at).now,
    force: true,
  });
  expect(summary.jobs[0]!.outcome).toBe("uploaded");
  return summary.jobs[0]!.objectKey!;
}

async function putRaw(store: BackupStore, key: string, body: Uint8Array) {
  await store.client.send(new PutObjectCommand({ Bucket: store.bucket, Key: key, Body: body }));
}

async function rawObject(store: BackupStore, key: string): Promise<Buffer> {
  const { body } = await store.open(key);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function restore(store: BackupStore, key: string, dest: string, lookup: KeyLookup, force = false) {
  return restoreObjects({ store, targets: [{ key, dest }], lookup, mode: 0o600, force });
}

/** Nothing at `dest` and no temporary file left beside it. */
async function expectNothingWritten(dest: string) {
  expect(existsSync(dest)).toBe(false);
  const leftovers = (await readdir(dir)).filter(
    (name) => name.includes(".ssb-") && name.endsWith(".tmp"),
  );
  expect(leftovers).toEqual([]);
}

describe("key rotation", () => {
  test("backups under the old and the new primary key both restore, and dropping the old key fails only the old backup", async () => {
    const store = await freshStore();
    // The new key's id holds a dash, which its variable cannot: KEY_2025_Q4_KEY.
    const ring = keyRing(["v1", "2025-q4-key"], "v1");
    const oldContent = Buffer.from("REDIS_PASSWORD=old\n");
    const newContent = Buffer.from("REDIS_PASSWORD=new\n");
    const oldKey = await backUp(store, ring, oldContent, "2026-12-01T00:00:00Z");
    const newKey = await backUp(
      store,
      { ...ring, primary: "2025-q4-key" },
      newContent,
      "2026-12-02T00:00:00Z",
    );
    expect((await store.head(newKey)).kid).toBe("2025-q4-key");

    await restore(store, oldKey, join(dir, "rot-old"), ring.lookup);
    await restore(store, newKey, join(dir, "rot-new"), ring.lookup);
    expect(await readFile(join(dir, "rot-old"))).toEqual(oldContent);
    expect(await readFile(join(dir, "rot-new"))).toEqual(newContent);

    const withoutV1 = withoutKey(ring, "v1");
    await restore(store, newKey, join(dir, "rot-new-2"), withoutV1.lookup);
    const failure = restore(store, oldKey, join(dir, "rot-old-2"), withoutV1.lookup);
    await expect(failure).rejects.toThrow(/key id "v1"/);
    await expectNothingWritten(join(dir, "rot-old-2"));
  });
});

describe("format 1 objects written by the earlier library", () => {
  test("ssb ls reads their key id from the object itself, since their metadata has none", async () => {
    const store = await freshStore();
    const vector = "long-kid";
    await putRaw(
      store,
      `legacy/${vector}-2025-01-01T00:00:00Z.bak.enc`,
      await readFile(join(vectorsDir, `${vector}.enc`)),
    );
    const catalog = await listCatalog(
      store,
      config(store.bucket, [job("legacy", `/srv/${vector}`, { s3KeyPrefix: "legacy/" })]),
    );
    expect(catalog.jobs[0]!.backups.map((b) => b.keyId)).toEqual(["2025-q4-rotation-key"]);
  });

  const vectors: { name: string; kid: string; keyHex: string; mustFail?: boolean }[] = JSON.parse(
    require("node:fs").readFileSync(join(vectorsDir, "vectors.json"), "utf8"),
  );

  for (const vector of vectors) {
    test(`${vector.name} ${vector.mustFail ? "is refused with nothing written" : "restores byte-identical"}`, async () => {
      const store = await freshStore();
      const key = `legacy/${vector.name}-2025-01-01T00:00:00Z.bak.enc`;
      await putRaw(store, key, await readFile(join(vectorsDir, `${vector.name}.enc`)));
      const keys = new Map([[vector.kid, new Uint8Array(Buffer.from(vector.keyHex, "hex"))]]);
      const lookup = (kid: string) => keys.get(kid);
      const dest = join(dir, `v1-${vector.name}`);
      if (vector.mustFail) {
        await expect(restore(store, key, dest, lookup)).rejects.toBeInstanceOf(SsbError);
        await expectNothingWritten(dest);
        return;
      }
      await restore(store, key, dest, lookup);
      expect(
        Buffer.compare(
          await readFile(dest),
          await readFile(join(vectorsDir, `${vector.name}.plain`)),
        ),
      ).toBe(0);
    });
  }
});

describe("a damaged or foreign format 2 object is refused, exit 1, nothing written", () => {
  const content = randomBytes(2 * 1024 * 1024 + 100);
  const cases: [string, (object: Buffer) => Buffer][] = [
    ["a flipped byte in the header", (o) => flip(o, 10)],
    ["a flipped byte in the first segment", (o) => flip(o, 200)],
    ["a flipped byte in the last tag", (o) => flip(o, o.length - 1)],
    ["a truncated object", (o) => o.subarray(0, o.length - 1000)],
    [
      "an object cut at a segment boundary",
      (o) => o.subarray(0, headerLength(o) + 2 * (1024 * 1024 + 16)),
    ],
    [
      "an appended segment",
      (o) => Buffer.concat([o, o.subarray(headerLength(o), headerLength(o) + 1024 * 1024 + 16)]),
    ],
  ];

  for (const [name, damage] of cases) {
    test(name, async () => {
      const store = await freshStore();
      const ring = keyRing(["v1"]);
      const key = await backUp(store, ring, content, "2026-12-03T01:00:00Z");
      await putRaw(store, key, damage(await rawObject(store, key)));
      const dest = join(dir, `damaged-${name.replaceAll(" ", "-")}`);
      const failure = restore(store, key, dest, ring.lookup);
      await expect(failure).rejects.toBeInstanceOf(SsbError);
      await expect(failure).rejects.toMatchObject({ exitCode: 1 });
      await expectNothingWritten(dest);
    });
  }

  test("a wrong key under the right key id", async () => {
    const store = await freshStore();
    const key = await backUp(store, keyRing(["v1"]), content, "2026-12-03T01:00:00Z");
    const dest = join(dir, "wrong-key");
    const failure = restore(store, key, dest, keyRing(["v1"]).lookup);
    await expect(failure).rejects.toThrow(/authentication failed/);
    await expectNothingWritten(dest);
  });

  test("a key id with no key in the environment", async () => {
    const store = await freshStore();
    const key = await backUp(store, keyRing(["v7"]), content, "2026-12-03T01:00:00Z");
    const dest = join(dir, "missing-kid");
    const failure = restore(store, key, dest, keyRing(["v1"]).lookup);
    await expect(failure).rejects.toThrow(/KEY_V7/);
    await expectNothingWritten(dest);
  });
});

describe("restoring over an existing file", () => {
  test("is refused without --force and leaves the file as it was", async () => {
    const store = await freshStore();
    const ring = keyRing(["v1"]);
    const key = await backUp(store, ring, Buffer.from("backup"), "2026-12-03T01:00:00Z");
    const dest = join(dir, "existing");
    await writeFile(dest, "current");
    await expect(restore(store, key, dest, ring.lookup)).rejects.toMatchObject({ exitCode: 2 });
    expect(await readFile(dest, "utf8")).toBe("current");
  });

  test("replaces it with --force", async () => {
    const store = await freshStore();
    const ring = keyRing(["v1"]);
    const key = await backUp(store, ring, Buffer.from("backup"), "2026-12-03T01:00:00Z");
    const dest = join(dir, "existing-forced");
    await writeFile(dest, "current");
    await restore(store, key, dest, ring.lookup, true);
    expect(await readFile(dest, "utf8")).toBe("backup");
  });

  test("a file replaced with --force keeps its owner and group", async () => {
    const store = await freshStore();
    const ring = keyRing(["v1"]);
    const key = await backUp(store, ring, Buffer.from("backup"), "2026-12-03T01:00:00Z");
    const dest = join(dir, "owned-by-service");
    await writeFile(dest, "current");
    if (process.getuid?.() === 0) await chown(dest, 4242, 4343);
    const before = await stat(dest);
    await restore(store, key, dest, ring.lookup, true);
    const after = await stat(dest);
    expect([after.uid, after.gid]).toEqual([before.uid, before.gid]);
    expect(after.mode & 0o777).toBe(0o600);
  });

  test("a damaged object restored with --force leaves the existing file untouched", async () => {
    const store = await freshStore();
    const ring = keyRing(["v1"]);
    const key = await backUp(store, ring, Buffer.from("backup"), "2026-12-03T01:00:00Z");
    await putRaw(store, key, flip(await rawObject(store, key), 60));
    const dest = join(dir, "existing-damaged");
    await writeFile(dest, "current");
    await expect(restore(store, key, dest, ring.lookup, true)).rejects.toBeInstanceOf(SsbError);
    expect(await readFile(dest, "utf8")).toBe("current");
  });
});

function flip(object: Buffer, at: number): Buffer {
  const copy = Buffer.from(object);
  copy[at]! ^= 0x01;
  return copy;
}

/** Header length of a format 2 object: magic 4, kid length 1, kid, size 4, salt 32, prefix 7. */
function headerLength(object: Buffer): number {
  return 4 + 1 + object[4]! + 4 + 32 + 7;
}
