import { describe, expect, test } from "bun:test";
import {
  type BackupSet,
  buildSets,
  isComplete,
  selectPrune,
  selectPruneSets,
} from "../../src/backup/retention.ts";
import { SsbError } from "../../src/errors.ts";

/** Backups named by their day of December 2026, e.g. 3 → 2026-12-03T04:00:00Z. */
const day = (n: number) => ({ time: new Date(Date.UTC(2026, 11, n, 4)), day: n });
const days = (backups: { day: number }[]) => backups.map((b) => b.day);

describe("selectPrune", () => {
  test.each([
    ["an empty bucket prunes nothing", [], 3, [], []],
    ["fewer backups than the count prunes nothing", [2, 1], 3, [2, 1], []],
    ["exactly the count prunes nothing", [3, 2, 1], 3, [3, 2, 1], []],
    ["one over the count prunes the oldest", [4, 3, 2, 1], 3, [4, 3, 2], [1]],
    ["a count of one keeps only the newest", [1, 2, 3], 1, [3], [1, 2]],
    [
      "unsorted input keeps the newest and prunes oldest first",
      [5, 1, 4, 2, 3],
      2,
      [5, 4],
      [1, 2, 3],
    ],
  ])("%s", (_, input, count, keep, prune) => {
    const result = selectPrune(input.map(day), count);
    expect(days(result.keep)).toEqual(keep);
    expect(days(result.prune)).toEqual(prune);
  });

  test("the caller's array is left in its order", () => {
    const input = [1, 3, 2].map(day);
    selectPrune(input, 1);
    expect(days(input)).toEqual([1, 3, 2]);
  });

  test.each([0, -1, 1.5, Number.NaN])("a retention count of %p is refused", (count) => {
    expect(() => selectPrune([day(1)], count)).toThrow(SsbError);
  });
});

const group = ["redis-rdb", "redis-aof"];

/** Sets newest first from a compact table: the members each set has, by day. */
function backupsOf(table: Record<number, string[]>): Map<string, { time: Date; key: string }[]> {
  const byJob = new Map<string, { time: Date; key: string }[]>();
  for (const [n, jobs] of Object.entries(table)) {
    for (const job of jobs) {
      const list = byJob.get(job) ?? [];
      list.push({ time: day(Number(n)).time, key: `${job}@${n}` });
      byJob.set(job, list);
    }
  }
  return byJob;
}

const both = group;
const rdbOnly = ["redis-rdb"];
const aofOnly = ["redis-aof"];

describe("buildSets", () => {
  test("backups with the same timestamp form one set, newest set first", () => {
    const sets = buildSets(group, backupsOf({ 1: both, 2: rdbOnly, 3: both }));
    expect(sets.map((set) => set.time.getUTCDate())).toEqual([3, 2, 1]);
    expect([...sets[0]!.members]).toEqual([
      ["redis-rdb", "redis-rdb@3"],
      ["redis-aof", "redis-aof@3"],
    ]);
  });

  test("a second apart is two sets, not one", () => {
    const byJob = new Map([
      ["redis-rdb", [{ time: new Date("2026-12-03T04:00:00Z"), key: "a" }]],
      ["redis-aof", [{ time: new Date("2026-12-03T04:00:01Z"), key: "b" }]],
    ]);
    expect(buildSets(group, byJob)).toHaveLength(2);
  });

  test("backups of a job outside the group are ignored", () => {
    const byJob = backupsOf({ 1: [...both, "api-keys"] });
    expect([...buildSets(group, byJob)[0]!.members.keys()]).toEqual(group);
  });

  test.each([
    ["a set with every member is complete", both, true],
    ["a set missing a member is incomplete", rdbOnly, false],
  ])("%s", (_, members, complete) => {
    const [set] = buildSets(group, backupsOf({ 1: members }));
    expect(isComplete(set as BackupSet, group)).toBe(complete);
  });
});

describe("selectPruneSets", () => {
  test.each<[string, Record<number, string[]>, number, string[]]>([
    ["no backups prune nothing", {}, 2, []],
    [
      "no complete set prunes nothing, however many incomplete sets exist",
      { 1: rdbOnly, 2: aofOnly, 3: rdbOnly },
      1,
      [],
    ],
    ["as many complete sets as the count prune nothing", { 1: both, 2: both }, 2, []],
    [
      "the oldest complete set beyond the count is pruned, every member of it",
      { 1: both, 2: both, 3: both },
      2,
      ["redis-rdb@1", "redis-aof@1"],
    ],
    ["incomplete sets do not count towards retention", { 1: both, 2: rdbOnly, 3: both }, 2, []],
    [
      "an incomplete set newer than the oldest kept complete set is kept",
      { 1: both, 2: both, 3: rdbOnly, 4: both },
      2,
      ["redis-rdb@1", "redis-aof@1"],
    ],
    [
      "the newest set being incomplete, perhaps still uploading, is kept",
      { 1: both, 2: both, 3: aofOnly },
      1,
      ["redis-rdb@1", "redis-aof@1"],
    ],
    [
      "an incomplete set older than the oldest kept complete set is pruned",
      { 1: both, 2: aofOnly, 3: both, 4: both },
      2,
      ["redis-rdb@1", "redis-aof@1", "redis-aof@2"],
    ],
    [
      "keys come oldest set first",
      { 1: both, 2: both, 3: both, 4: both },
      1,
      ["redis-rdb@1", "redis-aof@1", "redis-rdb@2", "redis-aof@2", "redis-rdb@3", "redis-aof@3"],
    ],
    [
      "with a count of one the newest complete set survives even behind incomplete ones",
      { 1: both, 2: both, 3: rdbOnly, 4: rdbOnly },
      1,
      ["redis-rdb@1", "redis-aof@1"],
    ],
    [
      "older incomplete sets stay until the count of complete sets is reached",
      { 1: rdbOnly, 2: rdbOnly, 3: both },
      2,
      [],
    ],
    [
      "older incomplete sets go once the count of complete sets is reached",
      { 1: rdbOnly, 2: rdbOnly, 3: both, 4: both },
      2,
      ["redis-rdb@1", "redis-rdb@2"],
    ],
  ])("%s", (_, table, count, pruned) => {
    const sets = buildSets(group, backupsOf(table));
    expect(selectPruneSets(sets, group, count)).toEqual(pruned);
  });

  test("a job that joins a group does not cost the others their history", () => {
    const three = [...group, "redis-conf"];
    const sets = buildSets(three, backupsOf({ 1: both, 2: both, 3: both, 4: three }));
    expect(selectPruneSets(sets, three, 3)).toEqual([]);
  });

  test("a retention count below one is refused before anything is chosen", () => {
    const sets = buildSets(group, backupsOf({ 1: both }));
    expect(() => selectPruneSets(sets, group, 0)).toThrow(SsbError);
  });
});
