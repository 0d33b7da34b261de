import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { listCatalog } from "../../src/backup/catalog.ts";
import { restoreObjects } from "../../src/backup/restore.ts";
import { planRestore } from "../../src/backup/restore-plan.ts";
import { runBackups } from "../../src/backup/run.ts";
import { makeTempDir } from "../helpers/tmp.ts";
import { clock, config, freshStore, job, keyRing, memoryLog } from "./fixtures.ts";

const dir = makeTempDir("ssb-groups-");
const keys = keyRing(["v1"]);
const DAY = 24 * 3_600_000;

async function redisGroup(retentionCount: number) {
  const store = await freshStore();
  const rdb = join(dir, `dump-${randomBytes(3).toString("hex")}.rdb`);
  const aof = join(dir, `appendonly-${randomBytes(3).toString("hex")}.aof`);
  await writeFile(rdb, randomBytes(1000));
  await writeFile(aof, randomBytes(2000));
  const policy = { frequency: "daily" as const, retentionCount };
  const cfg = config(store.bucket, [
    job("redis-rdb", rdb, { s3KeyPrefix: "redis/", group: "redis", policy }),
    job("redis-aof", aof, { s3KeyPrefix: "redis/", group: "redis", policy }),
  ]);
  return { store, cfg, rdb, aof };
}

describe("groups", () => {
  test("members of a group share one timestamp and form a complete set", async () => {
    const { store, cfg } = await redisGroup(3);
    const summary = await runBackups({
      config: cfg,
      store,
      keys,
      log: memoryLog(),
      now: clock("2026-12-03T04:00:00Z").now,
    });
    expect(summary.jobs.map((j) => j.objectKey)).toEqual([
      expect.stringMatching(/-2026-12-03T04:00:00Z\.bak\.enc$/),
      expect.stringMatching(/-2026-12-03T04:00:00Z\.bak\.enc$/),
    ]);
    const catalog = await listCatalog(store, cfg);
    expect(catalog.groups[0]!.sets).toEqual([
      expect.objectContaining({ time: "2026-12-03T04:00:00Z", complete: true }),
    ]);

    const oneMember = await listCatalog(store, cfg, "redis-rdb");
    expect(oneMember.jobs.map((j) => j.job)).toEqual(["redis-rdb"]);
    expect(oneMember.groups[0]!.sets[0]!.complete).toBe(true);
  });

  test("a member failing leaves an incomplete set that neither counts for retention nor makes the group not due", async () => {
    const { store, cfg, aof } = await redisGroup(2);
    const time = clock("2026-12-01T04:00:00Z");
    const run = (onTransfer?: (event: "start" | "end", job: string) => void) =>
      runBackups({ config: cfg, store, keys, log: memoryLog(), now: time.now, onTransfer });

    expect((await run()).counts.failed).toBe(0); // S1, complete

    time.advance(DAY);
    // The second member's file disappears while the first member uploads: an incomplete set S2.
    const broken = await run((event, name) => {
      if (event === "start" && name === "redis-rdb") void rename(aof, `${aof}.away`);
    });
    expect(broken.jobs.map((j) => j.outcome)).toEqual(["uploaded", "failed"]);
    expect(broken.jobs.every((j) => j.pruned.length === 0)).toBe(true);
    await rename(`${aof}.away`, aof);

    time.advance(3_600_000);
    const retried = await run(); // same day: still due, since S2 is incomplete → S3
    expect(retried.jobs.map((j) => j.outcome)).toEqual(["uploaded", "uploaded"]);
    expect(retried.counts.pruned).toBe(0); // two complete sets (S1, S3) are kept; S2 is not one of them

    let sets = (await listCatalog(store, cfg)).groups[0]!.sets;
    expect(sets.map((s) => [s.time, s.complete])).toEqual([
      ["2026-12-02T05:00:00Z", true],
      ["2026-12-02T04:00:00Z", false],
      ["2026-12-01T04:00:00Z", true],
    ]);

    time.advance(DAY);
    await run(); // S4: keeps S4 and S3, prunes S1 and the incomplete S2 older than S3
    sets = (await listCatalog(store, cfg)).groups[0]!.sets;
    expect(sets.map((s) => [s.time, s.complete])).toEqual([
      ["2026-12-03T05:00:00Z", true],
      ["2026-12-02T05:00:00Z", true],
    ]);
  });

  test("restoring a group brings back the newest complete set, skipping a newer incomplete one", async () => {
    const { store, cfg, rdb, aof } = await redisGroup(5);
    const time = clock("2026-12-01T04:00:00Z");
    await runBackups({ config: cfg, store, keys, log: memoryLog(), now: time.now });
    const original = [await readFile(rdb), await readFile(aof)];
    time.advance(DAY);
    await writeFile(rdb, "newer rdb");
    await runBackups({
      config: cfg,
      store,
      keys,
      log: memoryLog(),
      now: time.now,
      onTransfer: (event, name) => {
        if (event === "start" && name === "redis-rdb") void rename(aof, `${aof}.away`);
      },
    });
    await rename(`${aof}.away`, aof);

    const to = join(dir, "restored-set");
    const targets = await planRestore(store, cfg, { group: "redis", to });
    expect(targets.map((t) => t.key)).toEqual([
      expect.stringContaining("2026-12-01T04:00:00Z"),
      expect.stringContaining("2026-12-01T04:00:00Z"),
    ]);
    await restoreObjects({ store, targets, lookup: keys.lookup, mode: 0o600, force: false });
    expect(await readFile(targets[0]!.dest)).toEqual(original[0]!);
    expect(await readFile(targets[1]!.dest)).toEqual(original[1]!);
  });
});
