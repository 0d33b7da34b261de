import type { Frequency } from "../config/types.ts";
import { ConfigError } from "../errors.ts";
import { formatBackupTime } from "./naming.ts";

/**
 * Due-ness: a job is due when the calendar period `now` falls in (its clock hour, day,
 * ISO week or month, in the config's time zone) holds no backup yet. It is decided from
 * the backup times in the bucket alone, so a reinstalled server or a missed cron run
 * needs no local state to do the right thing. Only `Intl` is used for time zones.
 */

/**
 * How far past `now` a backup in the current period may be dated and still count.
 * A backup dated later than this was written by a clock that ran ahead; counting it
 * would skip every run until the real time catches up with it (for a monthly job, up to
 * a month without backups), so it is ignored and the job backs up.
 */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

export interface DueDecision {
  due: boolean;
  /** A sentence for the log and the report, naming the period. */
  reason: string;
}

export interface DueInput {
  frequency: Frequency;
  /** Times of the job's backups already in the bucket, in any order. */
  backups: Date[];
  now: Date;
  /** IANA time zone the periods are counted in, e.g. "UTC" or "Europe/Berlin". */
  timeZone: string;
  force?: boolean;
}

/** Wall-clock reading of an instant in a time zone, plus the zone's UTC offset then. */
interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  offsetMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter) return formatter;

  try {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch (cause) {
    throw new ConfigError(
      `unknown time zone "${timeZone}"; set timezone to an IANA name ` +
        `such as "Europe/Berlin" or "UTC"`,
      { cause },
    );
  }
  formatters.set(timeZone, formatter);
  return formatter;
}

function wallTime(time: Date, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(time)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;

  // The offset is whatever separates the wall clock from the real instant; it is what
  // tells apart the two 01:00 hours of a fall-back night.
  const wallMs = Date.UTC(year, month - 1, day, hour, minute, second);
  const instantMs = Math.floor(time.getTime() / 1000) * 1000;
  return { year, month, day, hour, offsetMinutes: Math.round((wallMs - instantMs) / 60_000) };
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

function formatOffset(minutes: number): string {
  if (minutes === 0) return "Z";
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** ISO 8601 week of a calendar date: weeks start on Monday, week 1 holds the first Thursday. */
function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
  const dayMs = 86_400_000;
  const date = Date.UTC(year, month - 1, day);
  const weekday = ((new Date(date).getUTCDay() + 6) % 7) + 1; // Monday 1 … Sunday 7
  const thursday = new Date(date + (4 - weekday) * dayMs);
  const weekYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / dayMs / 7) + 1;
  return { year: weekYear, week };
}

/**
 * The calendar period `time` falls in, as a sortable key: `2026-12-03T04-05:00` (hourly),
 * `2026-12-03` (daily), `2026-W49` (weekly, ISO week and week-numbering year), `2026-12`
 * (monthly); `always` has no period, so every instant (to the second) is its own.
 *
 * Hourly keys carry the UTC offset (`Z` for zero): on a fall-back night the clock shows
 * 01:00–02:00 twice, and those are two real hours that each deserve a backup. Daily and
 * longer periods use the local calendar date.
 */
export function periodKey(frequency: Frequency, time: Date, timeZone: string): string {
  if (frequency === "always") return formatBackupTime(time);

  const wall = wallTime(time, timeZone);
  const date = `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
  switch (frequency) {
    case "hourly":
      return `${date}T${pad(wall.hour)}${formatOffset(wall.offsetMinutes)}`;
    case "daily":
      return date;
    case "weekly": {
      const { year, week } = isoWeek(wall.year, wall.month, wall.day);
      return `${pad(year, 4)}-W${pad(week)}`;
    }
    case "monthly":
      return `${pad(wall.year, 4)}-${pad(wall.month)}`;
  }
}

/**
 * The current period in words: "daily backup for 2026-12-03 (UTC)", or for an hour in a
 * zone with daylight saving "hourly backup for 2026-11-01 01:00 (America/New_York, UTC-04:00)".
 */
function describePeriod(frequency: Frequency, now: Date, timeZone: string): string {
  if (frequency !== "hourly") {
    return `${frequency} backup for ${periodKey(frequency, now, timeZone)} (${timeZone})`;
  }

  const wall = wallTime(now, timeZone);
  const hour = `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:00`;
  if (wall.offsetMinutes === 0 && isUtc(timeZone)) return `hourly backup for ${hour} (${timeZone})`;
  const offset = formatOffset(wall.offsetMinutes).replace("Z", "+00:00");
  return `hourly backup for ${hour} (${timeZone}, UTC${offset})`;
}

function isUtc(timeZone: string): boolean {
  const resolved = formatterFor(timeZone).resolvedOptions().timeZone;
  return ["UTC", "Etc/UTC", "GMT", "Etc/GMT"].includes(resolved);
}

/** A backup's time as read in a reason: just the clock time when it is the same UTC day as now. */
function describeTime(time: Date, now: Date): string {
  const stamp = formatBackupTime(time);
  return stamp.slice(0, 10) === formatBackupTime(now).slice(0, 10) ? stamp.slice(11) : stamp;
}

function newest(times: Date[]): Date | undefined {
  let result: Date | undefined;
  for (const time of times) if (!result || time > result) result = time;
  return result;
}

/**
 * Whether a job is due now, and why, in words.
 *
 * `force` and the frequency `always` are due on every run. Otherwise the job is due when
 * no backup falls in the current period of `now`. A backup counts only if it is dated no
 * later than `now` plus {@link FUTURE_TOLERANCE_MS}: one written by a clock running
 * ahead must not block backups until real time reaches it, so it is ignored and the
 * reason says the newest backup is dated in the future.
 */
export function decideDue(input: DueInput): DueDecision {
  const { frequency, now, timeZone } = input;
  if (input.force) return { due: true, reason: "forced" };
  if (frequency === "always") {
    return { due: true, reason: 'frequency "always": every run backs up' };
  }

  const period = describePeriod(frequency, now, timeZone);
  const current = periodKey(frequency, now, timeZone);
  const latestAllowed = now.getTime() + FUTURE_TOLERANCE_MS;
  const backups = input.backups.filter((time) => !Number.isNaN(time.getTime()));
  const counted = backups.filter((time) => time.getTime() <= latestAllowed);

  const inPeriod = counted.filter((time) => periodKey(frequency, time, timeZone) === current);
  const existing = newest(inPeriod);
  if (existing) return { due: false, reason: `${period} exists at ${describeTime(existing, now)}` };

  const latest = newest(backups);
  if (!latest) return { due: true, reason: `no backup in the bucket yet; ${period} is due` };

  if (latest.getTime() > latestAllowed) {
    return {
      due: true,
      reason:
        `newest backup is dated in the future (${formatBackupTime(latest)}, clock skew?); ` +
        `backing up, since no ${period} is dated before now`,
    };
  }
  return { due: true, reason: `no ${period} yet; newest is ${formatBackupTime(latest)}` };
}
