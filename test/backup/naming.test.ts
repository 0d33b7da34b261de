import { describe, expect, test } from "bun:test";
import {
  backupObjectName,
  displayName,
  formatBackupTime,
  listPrefix,
  nextFreeTime,
  parseBackupObjectName,
} from "../../src/backup/naming.ts";

const redis = { path: "/var/lib/redis/dump.rdb", s3KeyPrefix: "redis/" };
const noPrefix = { path: "/etc/acme/api-keys.json", s3KeyPrefix: "" };

describe("backupObjectName", () => {
  test.each([
    [
      "a backup at a whole hour",
      redis,
      "2026-12-03T04:00:00.000Z",
      "redis/dump.rdb-2026-12-03T04:00:00Z.bak.enc",
    ],
    [
      "milliseconds are dropped, not rounded",
      redis,
      "2026-12-03T04:00:59.999Z",
      "redis/dump.rdb-2026-12-03T04:00:59Z.bak.enc",
    ],
    [
      "an empty prefix puts the file name first",
      noPrefix,
      "2027-01-01T00:00:00Z",
      "api-keys.json-2027-01-01T00:00:00Z.bak.enc",
    ],
  ])("%s", (_, job, time, expected) => {
    expect(backupObjectName(job, new Date(time))).toBe(expected);
  });

  test("the time in the name is UTC whatever the process time zone is", () => {
    const time = new Date("2026-06-01T23:30:00+09:00");
    expect(backupObjectName(redis, time)).toBe("redis/dump.rdb-2026-06-01T14:30:00Z.bak.enc");
  });

  test("an invalid date is refused instead of naming an object 'Invalid Date'", () => {
    expect(() => formatBackupTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe("parseBackupObjectName", () => {
  test.each([
    [
      "a name the job wrote",
      "redis/dump.rdb-2026-12-03T04:00:00Z.bak.enc",
      "2026-12-03T04:00:00.000Z",
    ],
    ["a leap day", "redis/dump.rdb-2028-02-29T12:00:00Z.bak.enc", "2028-02-29T12:00:00.000Z"],
    [
      "the last second of a year",
      "redis/dump.rdb-2026-12-31T23:59:59Z.bak.enc",
      "2026-12-31T23:59:59.000Z",
    ],
  ])("reads the time back from %s", (_, key, expected) => {
    expect(parseBackupObjectName(redis, key)?.toISOString()).toBe(expected);
  });

  test.each([
    [
      "another file that starts with the job's file name",
      "redis/dump.rdb.old-2026-12-03T04:00:00Z.bak.enc",
    ],
    ["a name with garbage instead of a time", "redis/dump.rdb-garbage.bak.enc"],
    ["month 13", "redis/dump.rdb-2026-13-01T00:00:00Z.bak.enc"],
    ["30 February", "redis/dump.rdb-2026-02-30T00:00:00Z.bak.enc"],
    ["29 February outside a leap year", "redis/dump.rdb-2027-02-29T00:00:00Z.bak.enc"],
    ["hour 24", "redis/dump.rdb-2026-12-03T24:00:00Z.bak.enc"],
    ["second 60", "redis/dump.rdb-2026-12-03T04:00:60Z.bak.enc"],
    ["a time with milliseconds", "redis/dump.rdb-2026-12-03T04:00:00.000Z.bak.enc"],
    ["a time without the Z", "redis/dump.rdb-2026-12-03T04:00:00.bak.enc"],
    ["a name without .enc", "redis/dump.rdb-2026-12-03T04:00:00Z.bak"],
    ["a name with something after .enc", "redis/dump.rdb-2026-12-03T04:00:00Z.bak.enc.tmp"],
    ["the same file name under another prefix", "redis-old/dump.rdb-2026-12-03T04:00:00Z.bak.enc"],
    ["a deeper folder under the prefix", "redis/x/dump.rdb-2026-12-03T04:00:00Z.bak.enc"],
    [
      "a longer file name that ends with a stamp-like part",
      "redis/dump.rdb-2026-12-03T04:00:00Z-2026-12-03T04:00:00Z.bak.enc",
    ],
  ])("does not claim %s", (_, key) => {
    expect(parseBackupObjectName(redis, key)).toBeUndefined();
  });

  test("every name backupObjectName writes parses back to its time", () => {
    const times = ["1999-12-31T23:59:59Z", "2026-03-08T07:00:00Z", "2038-01-19T03:14:08Z"];
    for (const time of times) {
      const key = backupObjectName(noPrefix, new Date(time));
      expect(parseBackupObjectName(noPrefix, key)?.getTime()).toBe(new Date(time).getTime());
    }
  });
});

describe("listing and display", () => {
  test("the list prefix is the prefix, the file name and a dash", () => {
    expect(listPrefix(redis)).toBe("redis/dump.rdb-");
  });

  test.each([
    ["redis/dump.rdb-2026-12-03T04:00:00Z.bak.enc", "redis/dump.rdb-2026-12-03T04:00:00Z.bak"],
    ["notes.txt", "notes.txt"],
  ])("ssb ls shows %s as %s", (key, shown) => {
    expect(displayName(key)).toBe(shown);
  });
});

describe("nextFreeTime", () => {
  const at = new Date("2026-12-03T04:00:00.400Z");

  test.each([
    ["a free second is used as it is, without milliseconds", [], "2026-12-03T04:00:00.000Z"],
    ["a taken second moves on by one", ["2026-12-03T04:00:00Z"], "2026-12-03T04:00:01.000Z"],
    [
      "several taken seconds are all skipped",
      ["2026-12-03T04:00:00Z", "2026-12-03T04:00:01Z", "2026-12-03T04:00:02Z"],
      "2026-12-03T04:00:03.000Z",
    ],
    [
      "a taken earlier second does not matter",
      ["2026-12-03T03:59:59Z"],
      "2026-12-03T04:00:00.000Z",
    ],
  ])("%s", (_, taken, expected) => {
    expect(nextFreeTime(at, new Set(taken)).toISOString()).toBe(expected);
  });
});
