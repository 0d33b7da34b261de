import { describe, expect, test } from "bun:test";
import type { Frequency } from "../../src/config/types.ts";
import { decideDue, periodKey } from "../../src/backup/due.ts";
import { ConfigError } from "../../src/errors.ts";

const at = (iso: string) => new Date(iso);

describe("periodKey", () => {
  test.each<[string, Frequency, string, string, string]>([
    ["an hour in UTC", "hourly", "2026-12-03T04:59:59Z", "UTC", "2026-12-03T04Z"],
    ["a day in UTC", "daily", "2026-12-03T23:59:59Z", "UTC", "2026-12-03"],
    ["a month in UTC", "monthly", "2026-12-31T23:59:59Z", "UTC", "2026-12"],
    ["an ISO week in the middle of a year", "weekly", "2026-12-03T04:00:00Z", "UTC", "2026-W49"],
    ["a Sunday, the last day of its week", "weekly", "2026-12-06T23:59:59Z", "UTC", "2026-W49"],
    ["the Monday after it, a new week", "weekly", "2026-12-07T00:00:00Z", "UTC", "2026-W50"],
    ["31 December 2026, in week 53", "weekly", "2026-12-31T12:00:00Z", "UTC", "2026-W53"],
    [
      "1 January 2027, still in 2026's week 53",
      "weekly",
      "2027-01-01T12:00:00Z",
      "UTC",
      "2026-W53",
    ],
    ["the first Monday of 2027, week 1", "weekly", "2027-01-04T00:00:00Z", "UTC", "2027-W01"],
    ["3 January 2021, in 2020's week 53", "weekly", "2021-01-03T12:00:00Z", "UTC", "2020-W53"],
    [
      "29 December 2025, already 2026's week 1",
      "weekly",
      "2025-12-29T12:00:00Z",
      "UTC",
      "2026-W01",
    ],
    [
      "an hour in a zone with a half-hour offset",
      "hourly",
      "2026-12-03T04:00:00Z",
      "Asia/Kolkata",
      "2026-12-03T09+05:30",
    ],
    [
      "a Tokyo day that is the day before in UTC",
      "daily",
      "2026-12-02T16:00:00Z",
      "Asia/Tokyo",
      "2026-12-03",
    ],
    [
      "an Auckland month that has begun before UTC's",
      "monthly",
      "2026-12-31T11:30:00Z",
      "Pacific/Auckland",
      "2027-01",
    ],
    [
      "an Auckland week that has begun before UTC's",
      "weekly",
      "2026-12-06T11:30:00Z",
      "Pacific/Auckland",
      "2026-W50",
    ],
    [
      "the first 01:00 hour of New York's fall-back night",
      "hourly",
      "2026-11-01T05:30:00Z",
      "America/New_York",
      "2026-11-01T01-04:00",
    ],
    [
      "the second 01:00 hour of New York's fall-back night",
      "hourly",
      "2026-11-01T06:30:00Z",
      "America/New_York",
      "2026-11-01T01-05:00",
    ],
    [
      "the hour before New York springs forward",
      "hourly",
      "2026-03-08T06:59:59Z",
      "America/New_York",
      "2026-03-08T01-05:00",
    ],
    [
      "the hour after New York springs forward",
      "hourly",
      "2026-03-08T07:00:00Z",
      "America/New_York",
      "2026-03-08T03-04:00",
    ],
    [
      "the first 02:00 hour of Berlin's fall-back night",
      "hourly",
      "2026-10-25T00:30:00Z",
      "Europe/Berlin",
      "2026-10-25T02+02:00",
    ],
    [
      "the second 02:00 hour of Berlin's fall-back night",
      "hourly",
      "2026-10-25T01:30:00Z",
      "Europe/Berlin",
      "2026-10-25T02+01:00",
    ],
    [
      "every run its own period for always",
      "always",
      "2026-12-03T04:00:00.500Z",
      "UTC",
      "2026-12-03T04:00:00Z",
    ],
  ])("%s", (_, frequency, time, zone, expected) => {
    expect(periodKey(frequency, at(time), zone)).toBe(expected);
  });

  test("an unknown time zone is a config error that names it", () => {
    expect(() => periodKey("daily", at("2026-12-03T04:00:00Z"), "Mars/Olympus")).toThrow(
      ConfigError,
    );
    expect(() => periodKey("daily", at("2026-12-03T04:00:00Z"), "Mars/Olympus")).toThrow(
      /Mars\/Olympus/,
    );
  });
});

interface Case {
  name: string;
  frequency: Frequency;
  zone?: string;
  backups: string[];
  now: string;
  due: boolean;
}

const cases: Case[] = [
  // Hours, days, weeks, months and years in UTC.
  {
    name: "an hourly job that ran this hour is not due",
    frequency: "hourly",
    backups: ["2026-12-03T04:00:00Z"],
    now: "2026-12-03T04:59:59Z",
    due: false,
  },
  {
    name: "an hourly job is due when the next hour starts",
    frequency: "hourly",
    backups: ["2026-12-03T04:00:00Z"],
    now: "2026-12-03T05:00:00Z",
    due: true,
  },
  {
    name: "a daily job that already ran today is not due",
    frequency: "daily",
    backups: ["2026-12-03T04:00:00Z"],
    now: "2026-12-03T10:00:00Z",
    due: false,
  },
  {
    name: "a daily job that last ran a second before midnight is due after it",
    frequency: "daily",
    backups: ["2026-12-02T23:59:59Z"],
    now: "2026-12-03T00:00:00Z",
    due: true,
  },
  {
    name: "a daily job that ran on New Year's Eve is due on New Year's Day",
    frequency: "daily",
    backups: ["2026-12-31T23:00:00Z"],
    now: "2027-01-01T00:30:00Z",
    due: true,
  },
  {
    name: "a weekly job that ran on Monday is not due on Sunday",
    frequency: "weekly",
    backups: ["2026-11-30T00:00:00Z"],
    now: "2026-12-06T23:59:59Z",
    due: false,
  },
  {
    name: "a weekly job that ran on Sunday is due on Monday",
    frequency: "weekly",
    backups: ["2026-12-06T23:00:00Z"],
    now: "2026-12-07T00:00:00Z",
    due: true,
  },
  {
    name: "a weekly job that ran on 31 December is not due on 1 January of the same ISO week",
    frequency: "weekly",
    backups: ["2026-12-31T12:00:00Z"],
    now: "2027-01-01T12:00:00Z",
    due: false,
  },
  {
    name: "a weekly job that ran in 2026-W53 is due in 2027-W01",
    frequency: "weekly",
    backups: ["2027-01-01T12:00:00Z"],
    now: "2027-01-04T00:00:00Z",
    due: true,
  },
  {
    name: "a weekly job that ran on 28 December 2020 is not due on 3 January 2021 (2020-W53)",
    frequency: "weekly",
    backups: ["2020-12-28T00:00:00Z"],
    now: "2021-01-03T23:00:00Z",
    due: false,
  },
  {
    name: "a weekly job that ran a year ago in the same week number is due",
    frequency: "weekly",
    backups: ["2025-12-04T00:00:00Z"],
    now: "2026-12-03T00:00:00Z",
    due: true,
  },
  {
    name: "a monthly job that ran on the first is not due on the last day",
    frequency: "monthly",
    backups: ["2026-12-01T00:00:00Z"],
    now: "2026-12-31T23:59:59Z",
    due: false,
  },
  {
    name: "a monthly job that ran on the last day is due on the first",
    frequency: "monthly",
    backups: ["2026-11-30T23:59:59Z"],
    now: "2026-12-01T00:00:00Z",
    due: true,
  },
  {
    name: "a monthly job that ran in December is due in January",
    frequency: "monthly",
    backups: ["2026-12-15T00:00:00Z"],
    now: "2027-01-01T00:00:00Z",
    due: true,
  },
  {
    name: "a monthly job that ran in the same month a year ago is due",
    frequency: "monthly",
    backups: ["2025-12-15T00:00:00Z"],
    now: "2026-12-15T00:00:00Z",
    due: true,
  },
  {
    name: "an empty bucket makes any job due",
    frequency: "monthly",
    backups: [],
    now: "2026-12-03T04:00:00Z",
    due: true,
  },
  {
    name: "backups in any order are all considered",
    frequency: "daily",
    backups: ["2026-12-01T00:00:00Z", "2026-12-03T01:00:00Z", "2026-12-02T00:00:00Z"],
    now: "2026-12-03T10:00:00Z",
    due: false,
  },

  // Zones whose local date differs from the UTC date.
  {
    name: "a Tokyo daily job that ran at 01:00 local, the UTC day before, is not due that evening",
    frequency: "daily",
    zone: "Asia/Tokyo",
    backups: ["2026-12-02T16:00:00Z"],
    now: "2026-12-03T10:00:00Z",
    due: false,
  },
  {
    name: "a Tokyo daily job is due after local midnight though the UTC date is unchanged",
    frequency: "daily",
    zone: "Asia/Tokyo",
    backups: ["2026-12-02T10:00:00Z"],
    now: "2026-12-02T15:30:00Z",
    due: true,
  },
  {
    name: "an Auckland daily job that ran at 01:00 local is not due at 23:00 local",
    frequency: "daily",
    zone: "Pacific/Auckland",
    backups: ["2026-12-02T12:00:00Z"],
    now: "2026-12-03T10:00:00Z",
    due: false,
  },
  {
    name: "an Auckland monthly job is due when January begins there, still in December in UTC",
    frequency: "monthly",
    zone: "Pacific/Auckland",
    backups: ["2026-12-15T00:00:00Z"],
    now: "2026-12-31T11:30:00Z",
    due: true,
  },

  // Daylight saving in New York: spring forward on 8 March, fall back on 1 November 2026.
  {
    name: "New York: an hourly job that ran at 01:30 EST is due at 03:00 EDT, right after the skipped hour",
    frequency: "hourly",
    zone: "America/New_York",
    backups: ["2026-03-08T06:30:00Z"],
    now: "2026-03-08T07:00:00Z",
    due: true,
  },
  {
    name: "New York: a daily job is not due at the end of the 23-hour spring-forward day",
    frequency: "daily",
    zone: "America/New_York",
    backups: ["2026-03-08T05:00:00Z"],
    now: "2026-03-09T03:59:59Z",
    due: false,
  },
  {
    name: "New York: a daily job is due when the day after spring-forward begins",
    frequency: "daily",
    zone: "America/New_York",
    backups: ["2026-03-08T05:00:00Z"],
    now: "2026-03-09T04:00:00Z",
    due: true,
  },
  {
    name: "New York: an hourly job is not due later in the first 01:00 hour of fall-back",
    frequency: "hourly",
    zone: "America/New_York",
    backups: ["2026-11-01T05:10:00Z"],
    now: "2026-11-01T05:50:00Z",
    due: false,
  },
  {
    name: "New York: an hourly job is due again in the repeated 01:00 hour",
    frequency: "hourly",
    zone: "America/New_York",
    backups: ["2026-11-01T05:10:00Z"],
    now: "2026-11-01T06:10:00Z",
    due: true,
  },
  {
    name: "New York: a backup in the repeated 01:00 hour counts for that hour",
    frequency: "hourly",
    zone: "America/New_York",
    backups: ["2026-11-01T06:10:00Z"],
    now: "2026-11-01T06:50:00Z",
    due: false,
  },
  {
    name: "New York: a daily job is not due at the end of the 25-hour fall-back day",
    frequency: "daily",
    zone: "America/New_York",
    backups: ["2026-11-01T04:00:00Z"],
    now: "2026-11-02T04:30:00Z",
    due: false,
  },

  // Daylight saving in Berlin: spring forward on 29 March, fall back on 25 October 2026.
  {
    name: "Berlin: an hourly job that ran at 01:30 CET is due at 03:00 CEST",
    frequency: "hourly",
    zone: "Europe/Berlin",
    backups: ["2026-03-29T00:30:00Z"],
    now: "2026-03-29T01:00:00Z",
    due: true,
  },
  {
    name: "Berlin: a daily job is not due late on the 23-hour spring-forward day",
    frequency: "daily",
    zone: "Europe/Berlin",
    backups: ["2026-03-28T23:00:00Z"],
    now: "2026-03-29T21:59:59Z",
    due: false,
  },
  {
    name: "Berlin: an hourly job is due again in the repeated 02:00 hour",
    frequency: "hourly",
    zone: "Europe/Berlin",
    backups: ["2026-10-25T00:30:00Z"],
    now: "2026-10-25T01:30:00Z",
    due: true,
  },
  {
    name: "Berlin: a daily job is not due at 23:59 on the 25-hour fall-back day",
    frequency: "daily",
    zone: "Europe/Berlin",
    backups: ["2026-10-24T22:00:00Z"],
    now: "2026-10-25T22:59:00Z",
    due: false,
  },

  // Clock skew.
  {
    name: "a backup dated later today than now does not count for today",
    frequency: "daily",
    backups: ["2026-12-03T23:00:00Z"],
    now: "2026-12-03T10:00:00Z",
    due: true,
  },
  {
    name: "a backup dated a few minutes ahead of now still counts",
    frequency: "daily",
    backups: ["2026-12-03T10:04:59Z"],
    now: "2026-12-03T10:00:00Z",
    due: false,
  },
  {
    name: "a backup dated in a later month does not block this month",
    frequency: "monthly",
    backups: ["2027-06-01T00:00:00Z"],
    now: "2026-12-03T10:00:00Z",
    due: true,
  },
  {
    name: "a future-dated backup does not hide a real backup of today",
    frequency: "daily",
    backups: ["2026-12-03T04:00:00Z", "2030-01-01T00:00:00Z"],
    now: "2026-12-03T10:00:00Z",
    due: false,
  },
];

describe("decideDue", () => {
  test.each(cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const decision = decideDue({
      frequency: c.frequency,
      backups: c.backups.map(at),
      now: at(c.now),
      timeZone: c.zone ?? "UTC",
    });
    expect(decision.due).toBe(c.due);
  });

  test("a forced job is due even when its period holds a backup", () => {
    const backups = [at("2026-12-03T04:00:00Z")];
    const decision = decideDue({
      frequency: "daily",
      backups,
      now: at("2026-12-03T10:00:00Z"),
      timeZone: "UTC",
      force: true,
    });
    expect(decision).toEqual({ due: true, reason: "forced" });
  });

  test("a job with frequency always is due on every run", () => {
    const backups = [at("2026-12-03T09:59:59Z")];
    const decision = decideDue({
      frequency: "always",
      backups,
      now: at("2026-12-03T10:00:00Z"),
      timeZone: "UTC",
    });
    expect(decision.due).toBe(true);
    expect(decision.reason).toContain("always");
  });
});

describe("reasons", () => {
  const reason = (frequency: Frequency, backups: string[], now: string, timeZone = "UTC") =>
    decideDue({ frequency, backups: backups.map(at), now: at(now), timeZone }).reason;

  test("a skipped daily job names the day, the zone and the backup's time", () => {
    expect(reason("daily", ["2026-12-03T04:00:00Z"], "2026-12-03T10:00:00Z")).toBe(
      "daily backup for 2026-12-03 (UTC) exists at 04:00:00Z",
    );
  });

  test("a backup from another UTC day is named with its full time", () => {
    expect(reason("daily", ["2026-12-02T16:00:00Z"], "2026-12-03T10:00:00Z", "Asia/Tokyo")).toBe(
      "daily backup for 2026-12-03 (Asia/Tokyo) exists at 2026-12-02T16:00:00Z",
    );
  });

  test("an hour on a fall-back night is named with its UTC offset", () => {
    expect(
      reason("hourly", ["2026-11-01T05:10:00Z"], "2026-11-01T06:10:00Z", "America/New_York"),
    ).toBe(
      "no hourly backup for 2026-11-01 01:00 (America/New_York, UTC-05:00) yet; newest is 2026-11-01T05:10:00Z",
    );
  });

  test("a due weekly job names its ISO week", () => {
    expect(reason("weekly", ["2026-12-06T23:00:00Z"], "2026-12-07T00:00:00Z")).toBe(
      "no weekly backup for 2026-W50 (UTC) yet; newest is 2026-12-06T23:00:00Z",
    );
  });

  test("an empty bucket says there is no backup yet", () => {
    expect(reason("hourly", [], "2026-12-03T04:30:00Z")).toBe(
      "no backup in the bucket yet; hourly backup for 2026-12-03 04:00 (UTC) is due",
    );
  });

  test("a future-dated newest backup is called out as possible clock skew", () => {
    expect(
      reason("monthly", ["2026-11-02T00:00:00Z", "2026-12-30T00:00:00Z"], "2026-12-03T10:00:00Z"),
    ).toBe(
      "newest backup is dated in the future (2026-12-30T00:00:00Z, clock skew?); " +
        "backing up, since no monthly backup for 2026-12 (UTC) is dated before now",
    );
  });
});
