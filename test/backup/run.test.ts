import { describe, expect, test } from "bun:test";
import { ListMultipartUploadsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { appendFile, chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { listBackups } from "../../src/backup/inventory.ts";
import { runBackups, type RunOptions } from "../../src/backup/run.ts";
import { BackupStore } from "../../src/store/store.ts";
import { makeTempDir } from "../helpers/tmp.ts";
import { clock, config, freshStore, job, keyRing, memoryLog } from "./fixtures.ts";

const dir = makeTempDir("ssb-run-");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function file(name: string, content: string | Uint8Array = randomBytes(64)): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** The same key for every run of a test file, as on a real server. */
const keys = keyRing(["v1"]);

function run(opts: Omit<RunOptions, "keys" | "log"> & Partial<Pick<RunOptions, "keys" | "log">>) {
  return runBackups({ keys, log: memoryLog(), ...opts });
}

describe("retention", () => {
  test("keeps exactly the retentionCount newest backups and touches nothing else under the prefix", async () => {
    const store = await freshStore();
    const path = await file("ret.json");
    const cfg = config(store.bucket, [
      job("ret", path, { s3KeyPrefix: "k/", policy: { retentionCount: 3 } }),
    ]);
    await store.client.send(
      new PutObjectCommand({ Bucket: store.bucket, Key: "k/ret.json.old", Body: "x" }),
    );
    await store.client.send(
      new PutObjectCommand({
        Bucket: store.bucket,
        Key: "k/ret.json-2020-01-01T00:00:00Z.bak.enc.partial",
        Body: "x",
      }),
    );
    const time = clock("2026-12-01T00:00:00Z");
    for (let i = 0; i < 5; i++) {
      const summary = await run({ config: cfg, store, now: time.now });
      expect(summary.jobs[0]!.outcome).toBe("uploaded");
      time.advance(DAY);
    }
    const left = (await store.list("k/")).map((o) => o.key).sort();
    expect(left).toEqual([
      "k/ret.json-2020-01-01T00:00:00Z.bak.enc.partial",
      "k/ret.json-2026-12-03T00:00:00Z.bak.enc",
      "k/ret.json-2026-12-04T00:00:00Z.bak.enc",
      "k/ret.json-2026-12-05T00:00:00Z.bak.enc",
      "k/ret.json.old",
    ]);
  });

  test("reports what prune deleted on the job's result", async () => {
    const store = await freshStore();
    const cfg = config(store.bucket, [
      job("one", await file("one.txt"), { policy: { retentionCount: 1 } }),
    ]);
    const time = clock("2026-12-01T00:00:00Z");
    await run({ config: cfg, store, now: time.now });
    time.advance(DAY);
    const summary = await run({ config: cfg, store, now: time.now });
    expect(summary.jobs[0]!.pruned).toEqual(["one.txt-2026-12-01T00:00:00Z.bak.enc"]);
    expect(summary.counts).toMatchObject({ uploaded: 1, pruned: 1, failed: 0 });
  });
});

describe("due-ness from the bucket", () => {
  test("a daily job that already ran today is not due, and --force backs it up anyway", async () => {
    const store = await freshStore();
    const cfg = config(store.bucket, [job("daily", await file("daily.txt"))]);
    const time = clock("2026-12-03T04:00:00Z");
    expect((await run({ config: cfg, store, now: time.now })).jobs[0]!.outcome).toBe("uploaded");
    time.advance(HOUR);
    const second = await run({ config: cfg, store, now: time.now });
    expect(second.jobs[0]!.outcome).toBe("not-due");
    expect(second.jobs[0]!.reason).toContain("2026-12-03");
    expect((await run({ config: cfg, store, now: time.now, force: true })).jobs[0]!.outcome).toBe(
      "uploaded",
    );
  });

  test("two runs in the same second never overwrite each other's objects", async () => {
    const store = await freshStore();
    const cfg = config(store.bucket, [
      job("fast", await file("fast.txt"), { policy: { frequency: "always" } }),
    ]);
    const time = clock("2026-12-03T04:00:00Z");
    const first = await run({ config: cfg, store, now: time.now });
    const second = await run({ config: cfg, store, now: time.now });
    expect(first.jobs[0]!.objectKey).not.toBe(second.jobs[0]!.objectKey);
    expect((await store.list("")).length).toBe(2);
  });
});

describe("failures stay with their job", () => {
  test("a bucket that cannot be listed fails every job with the reason, and says so in the log", async () => {
    const store = await freshStore();
    const missing = new BackupStore(store.client, `${store.bucket}-missing`);
    const log = memoryLog();
    const summary = await run({
      config: config(missing.bucket, [job("any", await file("any.txt"))]),
      store: missing,
      log,
    });
    expect(summary.jobs[0]!.error).toContain("NoSuchBucket");
    expect(log.lines).toContain(`error any: failed: ${summary.jobs[0]!.error}`);
  });

  test("a job whose file is missing fails, the others succeed, and the run counts one failure", async () => {
    const store = await freshStore();
    const cfg = config(store.bucket, [
      job("present", await file("present.txt")),
      job("missing", join(dir, "does-not-exist.txt")),
      job("also-present", await file("also-present.txt")),
    ]);
    const summary = await run({ config: cfg, store });
    expect(summary.jobs.map((j) => [j.job, j.outcome])).toEqual([
      ["present", "uploaded"],
      ["missing", "failed"],
      ["also-present", "uploaded"],
    ]);
    expect(summary.jobs[1]!.error).toContain("does-not-exist.txt");
    expect(summary.counts.failed).toBe(1);
  });

  test("an unreadable file fails with a message that says so", async () => {
    if (process.getuid?.() === 0) {
      // root reads any file, so make it unreadable another way: a directory is not a file.
      const store = await freshStore();
      const summary = await run({ config: config(store.bucket, [job("dir", dir)]), store });
      expect(summary.jobs[0]!.error).toContain("not a regular file");
      return;
    }
    const store = await freshStore();
    const path = await file("locked.txt");
    await chmod(path, 0o000);
    const summary = await run({ config: config(store.bucket, [job("locked", path)]), store });
    expect(summary.jobs[0]!.error).toContain("permission denied");
  });

  test("a file that keeps changing while it is read fails with 'changed while reading' and leaves no object or upload", async () => {
    const store = await freshStore();
    const path = await file("growing.aof", randomBytes(20 * 1024 * 1024));
    const writer = setInterval(() => void appendFile(path, randomBytes(4096)), 2);
    try {
      const log = memoryLog();
      const summary = await run({ config: config(store.bucket, [job("aof", path)]), store, log });
      expect(summary.jobs[0]!.outcome).toBe("failed");
      expect(summary.jobs[0]!.error).toContain("changed while reading");
      expect(log.lines.some((line) => line.includes("trying once more"))).toBe(true);
    } finally {
      clearInterval(writer);
    }
    expect(await store.list("")).toEqual([]);
    const uploads = await store.client.send(
      new ListMultipartUploadsCommand({ Bucket: store.bucket }),
    );
    expect(uploads.Uploads ?? []).toEqual([]);
  });
});

describe("onChangeOnly", () => {
  test("skips an unchanged file without uploading and backs it up again once it changes", async () => {
    const store = await freshStore();
    const path = await file("keys.json", '{"a":1}');
    const cfg = config(store.bucket, [
      job("keys", path, { policy: { frequency: "always", onChangeOnly: true } }),
    ]);
    const time = clock("2026-12-03T04:00:00Z");
    expect((await run({ config: cfg, store, now: time.now })).jobs[0]!.outcome).toBe("uploaded");
    time.advance(60_000);
    const unchanged = await run({ config: cfg, store, now: time.now });
    expect(unchanged.jobs[0]!.outcome).toBe("unchanged");
    expect((await store.list("")).length).toBe(1);
    await writeFile(path, '{"a":2}');
    time.advance(60_000);
    expect((await run({ config: cfg, store, now: time.now })).jobs[0]!.outcome).toBe("uploaded");
  });

  test("--force uploads an unchanged file too, so a new primary key covers every job", async () => {
    const store = await freshStore();
    const path = await file("leaked.json", "same");
    const cfg = config(store.bucket, [job("leaked", path, { policy: { onChangeOnly: true } })]);
    const time = clock("2026-12-03T04:00:00Z");
    await run({ config: cfg, store, now: time.now });
    time.advance(60_000);
    const forced = await run({ config: cfg, store, now: time.now, force: true });
    expect(forced.jobs[0]!.outcome).toBe("uploaded");
  });

  test("still recognises an unchanged file after the primary key rotated", async () => {
    const store = await freshStore();
    const path = await file("rot.json", "same");
    const cfg = config(store.bucket, [
      job("rot", path, { policy: { frequency: "always", onChangeOnly: true } }),
    ]);
    const ring = keyRing(["v1", "v2"]);
    await run({ config: cfg, store, keys: ring });
    const again = await run({ config: cfg, store, keys: { ...ring, primary: "v2" } });
    expect(again.jobs[0]!.outcome).toBe("unchanged");
  });
});

describe("dry run", () => {
  test("plans uploads and prunes but writes and deletes nothing", async () => {
    const store = await freshStore();
    const cfg = config(store.bucket, [
      job("dry", await file("dry.txt"), { policy: { retentionCount: 1 } }),
    ]);
    const time = clock("2026-12-01T00:00:00Z");
    await run({ config: cfg, store, now: time.now });
    time.advance(DAY);
    const before = await store.list("");
    const summary = await run({ config: cfg, store, now: time.now, dryRun: true });
    expect(summary.jobs[0]).toMatchObject({
      outcome: "planned",
      objectKey: "dry.txt-2026-12-02T00:00:00Z.bak.enc",
      pruned: ["dry.txt-2026-12-01T00:00:00Z.bak.enc"],
    });
    expect(await store.list("")).toEqual(before);
  });
});

describe("prune safety", () => {
  test("a failing listing during prune deletes nothing and reports the job", async () => {
    const store = await freshStore();
    const cfg = config(store.bucket, [
      job("p", await file("p.txt"), { policy: { retentionCount: 1 } }),
    ]);
    const time = clock("2026-12-01T00:00:00Z");
    await run({ config: cfg, store, now: time.now });
    time.advance(DAY);

    // Let the first listing (due-ness) through and fail the second (prune), on the real client.
    let listings = 0;
    store.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "ListObjectsV2Command" && ++listings === 2) {
          throw Object.assign(new Error("listing refused for the test"), { name: "InternalError" });
        }
        return next(args);
      },
      { step: "initialize", name: "failSecondListing" },
    );
    const summary = await run({ config: cfg, store, now: time.now });
    store.client.middlewareStack.remove("failSecondListing");

    expect(summary.jobs[0]!.outcome).toBe("uploaded");
    expect(summary.jobs[0]!.pruned).toEqual([]);
    expect(summary.jobs[0]!.error).toContain("nothing deleted");
    expect(summary.counts.failed).toBe(1);
    expect((await listBackups(store, cfg.jobs[0]!)).length).toBe(2);
  });
});
